import Foundation
import TestSupport
import XCTest

/// `--lora` as a user types it: what is refused, in one line naming the file.
final class LoRAOptionTests: XCTestCase {
    private let environment = ["MEDGEMMA_CONFIG": "/nonexistent/config", "MEDGEMMA_API_KEY": ""]

    func testAModelFileIsNoAdapter() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["perplexity", "--model", model, "--lora", model, "--chunks", "2",
                                            TestEnvironment.fixture("perplexity/corpus.txt").path], environment: environment)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("general.type is 'model', not 'adapter'"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    func testAMissingFileAndAServerAreRefused() throws {
        let model = try TestEnvironment.defaultModel()
        let missing = try CommandRunner.medgemma(["generate", "--model", model, "--lora", "/nonexistent/adapter.gguf:0.5", "--prompt", "Hi"],
                                                 environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/adapter.gguf"), missing.stderr)
        let remote = try CommandRunner.medgemma(["ask", "--backend", "http://127.0.0.1:9/v1", "--lora", model, "Hi"], environment: environment)
        XCTAssertEqual(remote.status, 2)
        XCTAssertTrue(remote.stderr.contains("--lora is applied by the in-process engine"), remote.stderr)
    }
}
