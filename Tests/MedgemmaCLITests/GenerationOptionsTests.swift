import XCTest
import Gemma
@testable import MedgemmaCLI

/// The generation flags shared by `ask`, `generate` and `report`: defaults, every range
/// error's exact message, and the help lines each command prints.
final class GenerationOptionsTests: XCTestCase {
    private let command = "medgemma test"

    private func parse(_ arguments: [String], _ options: GenerationOptions) throws -> ParsedArguments {
        try ArgumentParser.parse(arguments, spec: ArgumentSpec(options: options.options, aliases: GenerationOptions.aliases),
                                 command: command)
    }

    private func usageMessage(_ arguments: [String], _ options: GenerationOptions = AskCommand.generation,
                              file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let args = try parse(arguments, options)
            _ = try options.settings(args, command: command)
            _ = try options.contextSize(args, command: command)
            XCTFail("\(arguments) was accepted", file: file, line: line)
            return nil
        } catch let error as UsageError {
            return error.description
        } catch {
            XCTFail("\(arguments): \(error)", file: file, line: line)
            return nil
        }
    }

    func testDefaults() throws {
        for (options, maxTokens) in [(AskCommand.generation, 512), (GenerateCommand.generation, 64), (ReportCommand.generation, 768)] {
            let settings = try options.settings(parse([], options), command: command, system: "S")
            XCTAssertEqual(settings.maxTokens, maxTokens)
            XCTAssertEqual(settings.system, "S")
            XCTAssertEqual(settings.sampling.temperature, 1.0)
            XCTAssertEqual(settings.sampling.topK, 64)
            XCTAssertEqual(settings.sampling.topP, 0.95)
            XCTAssertEqual(settings.sampling.seed, 0)
            XCTAssertEqual(try options.contextSize(parse([], options), command: command), 4096)
        }
        XCTAssertEqual(WorkstationCommand.contextSize, 4096)
    }

    func testGivenValues() throws {
        let args = try parse(["--temperature", "0", "--top-k", "0", "--top-p", "1", "--seed", "18446744073709551615",
                              "-n", "7", "--ctx=16"], AskCommand.generation)
        let settings = try AskCommand.generation.settings(args, command: command)
        XCTAssertEqual(settings.sampling.temperature, 0)
        XCTAssertEqual(settings.sampling.topK, 0)
        XCTAssertEqual(settings.sampling.topP, 1)
        XCTAssertEqual(settings.sampling.seed, UInt64.max)
        XCTAssertEqual(settings.maxTokens, 7)
        XCTAssertEqual(try AskCommand.generation.contextSize(args, command: command), 16)
        // generate may only prefill; the chat commands need one token of answer.
        let zero = try parse(["--max-tokens", "0"], GenerateCommand.generation)
        XCTAssertEqual(try GenerateCommand.generation.settings(zero, command: command).maxTokens, 0)
    }

    func testRangeErrors() {
        let see = " (see 'medgemma test --help')"
        XCTAssertEqual(usageMessage(["--temperature", "hot"]), "medgemma test: --temperature must be a number ≥ 0, got 'hot'" + see)
        XCTAssertEqual(usageMessage(["--temperature", "-0.5"]), "medgemma test: --temperature must be a number ≥ 0, got '-0.5'" + see)
        XCTAssertEqual(usageMessage(["--temperature", "inf"]), "medgemma test: --temperature must be a number ≥ 0, got 'inf'" + see)
        XCTAssertEqual(usageMessage(["--top-k", "-1"]), "medgemma test: --top-k must be an integer in 0...1000000, got '-1'" + see)
        XCTAssertEqual(usageMessage(["--top-p", "0"]), "medgemma test: --top-p must be in (0, 1], got '0'" + see)
        XCTAssertEqual(usageMessage(["--top-p", "1.01"]), "medgemma test: --top-p must be in (0, 1], got '1.01'" + see)
        XCTAssertEqual(usageMessage(["--seed", "-1"]), "medgemma test: --seed must be a non-negative integer, got '-1'" + see)
        XCTAssertEqual(usageMessage(["--max-tokens", "0"]), "medgemma test: --max-tokens must be an integer in 1...1000000, got '0'" + see)
        XCTAssertEqual(usageMessage(["--max-tokens", "1000001"], GenerateCommand.generation),
                       "medgemma test: --max-tokens must be an integer in 0...1000000, got '1000001'" + see)
        XCTAssertEqual(usageMessage(["--ctx", "15"]), "medgemma test: --ctx must be an integer in 16...1048576, got '15'" + see)
        XCTAssertEqual(usageMessage(["--ctx", "1048577"]), "medgemma test: --ctx must be an integer in 16...1048576, got '1048577'" + see)
    }

    func testGenerateTakesNoContext() {
        XCTAssertFalse(GenerateCommand.generation.options.contains("--ctx"))
        XCTAssertThrowsError(try parse(["--ctx", "64"], GenerateCommand.generation)) { error in
            XCTAssertEqual("\(error)", "medgemma test: unknown option '--ctx' (see 'medgemma test --help')")
        }
    }

    func testHelpLines() {
        XCTAssertEqual(AskCommand.generation.help, """
          --max-tokens N     at most N tokens in the answer (default 512)
          --temperature T    0 is greedy (default 1.0, as the Gemma 3 model card recommends)
          --top-k K          keep the K most likely tokens (default 64; 0 keeps all)
          --top-p P          nucleus sampling threshold (default 0.95)
          --seed S           random seed (default 0); same seed and question, same answer
          --ctx N            context size in tokens (default 4096; in-process engine)
        """)
        XCTAssertEqual(GenerateCommand.generation.help, """
          --max-tokens N     at most N new tokens (default 64)
          --temperature T    0 is greedy (default 1.0, as the Gemma 3 model card recommends)
          --top-k K          keep the K most likely tokens (default 64; 0 keeps all)
          --top-p P          nucleus sampling threshold (default 0.95)
          --seed S           random seed (default 0); same seed, same output
        """)
        XCTAssertEqual(ReportCommand.generation.help, """
          --max-tokens N     at most N tokens per report (default 768)
          --temperature T    0 is greedy (default 1.0, as the Gemma 3 model card recommends)
          --top-k K          keep the K most likely tokens (default 64; 0 keeps all)
          --top-p P          nucleus sampling threshold (default 0.95)
          --seed S           random seed (default 0); same seed and study, same report
          --ctx N            context size in tokens (default 4096; in-process engine)
        """)
        // Each command's help shows its lines where its other options are.
        for (help, lines) in [(AskCommand.help, AskCommand.generation.help), (GenerateCommand.help, GenerateCommand.generation.help),
                              (ReportCommand.help, ReportCommand.generation.help)] {
            XCTAssertTrue(help.contains("\n" + lines + "\n"), help)
        }
    }
}
