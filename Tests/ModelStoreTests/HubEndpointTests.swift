import XCTest
@testable import ModelStore

final class HubEndpointTests: XCTestCase {
    func testEndpointAndTokenFromTheEnvironment() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("hubtoken-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".cache/huggingface"), withIntermediateDirectories: true)
        try "hf_file\n".write(to: home.appendingPathComponent(".cache/huggingface/token"), atomically: true, encoding: .utf8)

        let fromFile = HubEndpoint(environment: ["HOME": home.path])
        XCTAssertEqual(fromFile.base, "https://huggingface.co")
        XCTAssertEqual(fromFile.token, "hf_file")
        let fromEnv = HubEndpoint(environment: ["HOME": home.path, "HF_TOKEN": "hf_env", "HF_ENDPOINT": "http://127.0.0.1:9/"])
        XCTAssertEqual(fromEnv.token, "hf_env")
        XCTAssertEqual(fromEnv.resolveURL(repo: "o/r", revision: "main", file: "a b.gguf"), "http://127.0.0.1:9/o/r/resolve/main/a%20b.gguf")
        XCTAssertEqual(fromEnv.treeURL(repo: "o/r", revision: "refs/pr/1"), "http://127.0.0.1:9/api/models/o/r/tree/refs%2Fpr%2F1?recursive=true")
        XCTAssertNil(HubEndpoint(environment: ["HOME": "/nonexistent"]).token)
    }
}
