import Evaluation

/// `medgemma eval --compare RUN_A.jsonl RUN_B.jsonl`: the paired comparison of two runs
/// on the same items ("did the adapter help?").
enum EvalComparison {
    static func run(_ args: ParsedArguments, command: String) throws -> Int32 {
        guard args.positionals.count == 2 else {
            throw UsageError(command: command, "--compare takes two run files (RUN_A.jsonl RUN_B.jsonl)")
        }
        let a = args.positionals[0], b = args.positionals[1]
        let comparison: RunComparison
        do {
            comparison = try RunComparison(a: RunFile.read(path: a).results, b: RunFile.read(path: b).results)
        } catch let error as RunFileError {
            throw CommandFailure(error.description)
        } catch {
            throw CommandFailure("\(a) and \(b): \(error)")
        }
        Console.out(args.has("--json") ? SummaryReport.json(comparison) + "\n" : SummaryReport.text(comparison, title: "\(a) (A) against \(b) (B)") + "\n")
        return 0
    }
}
