import XCTest
import TestSupport

/// `medgemma tokenize` as a user runs it. Expected ids are llama.cpp's (ENGINE.md §5.2, §11.1).
final class TokenizeCommandTests: XCTestCase {
    func testIdsAsAJSONArray() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["tokenize", "--model", model, "Hello, world!"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "[2, 9259, 236764, 1902, 236888]\n")
        let noBOS = try CommandRunner.medgemma(["tokenize", "--no-bos", "--model", model, "a\n\nb"])
        XCTAssertEqual(noBOS.stdout, "[236746, 108, 236763]\n")
    }

    func testSpecialTokensAndStandardInput() throws {
        let model = try TestEnvironment.defaultModel()
        let special = try CommandRunner.medgemma(["tokenize", "--no-bos", "--model", model, "-"], stdin: "<start_of_turn>user\n")
        XCTAssertEqual(special.stdout, "[105, 2364, 107]\n")
        let spelled = try CommandRunner.medgemma(["tokenize", "--no-bos", "--no-special", "--model", model, "<start_of_turn>"])
        XCTAssertFalse(spelled.stdout.contains("105"), spelled.stdout)
        XCTAssertGreaterThan(spelled.stdout.split(separator: ",").count, 1)
    }

    func testPiecesShowTheVocabularyText() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["tokenize", "--pieces", "--model", model, "Hello, world!"])
        XCTAssertTrue(r.stdout.contains("{\"id\": 1902, \"piece\": \"▁world\"}"), r.stdout)
    }

    func testMissingModelIsOneLine() throws {
        let r = try CommandRunner.medgemma(["tokenize", "--model", "/nonexistent/model.gguf", "x"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "medgemma tokenize: /nonexistent/model.gguf: cannot open: No such file or directory\n")
    }
}
