import XCTest
import TestSupport
@testable import ModelStore

/// A download whose file list gave no sha256 checks the one the hub's redirect carries
/// (`X-Linked-ETag` on the 302, which the client must keep while following it).
final class ResumableDownloadTests: XCTestCase {
    var hub: TestHub!

    override func setUpWithError() throws { hub = try TestHub() }
    override func tearDown() { hub.stop() }

    func download(_ name: String, repo: String) -> ResumableDownload {
        ResumableDownload(endpoint: HubEndpoint(base: hub.endpoint), repo: repo, revision: "main",
                          file: HubFile(path: name, size: -1, sha256: nil),
                          destination: hub.root.path + "/" + name + ".out", retry: RetryPolicy(attempts: 2, baseDelay: 0.01))
    }

    func testTakesTheSha256FromTheRedirectsLinkedETag() throws {
        let data = try hub.addFile(repo: "org/r", name: "a.gguf", size: 3_000)
        let sha = try download("a.gguf", repo: "org/r").run()
        XCTAssertEqual(sha, try hub.sha256(repo: "org/r", name: "a.gguf"))
        XCTAssertEqual(FileManager.default.contents(atPath: hub.root.path + "/a.gguf.out"), data)
    }

    func testAWrongLinkedETagDeletesTheDownload() throws {
        try hub.addFile(repo: "org/r", name: "b.gguf", size: 3_000)
        try hub.setFaults(["org/r/b.gguf": ["badsha": true]])
        XCTAssertThrowsError(try download("b.gguf", repo: "org/r").run()) { error in
            XCTAssertTrue("\(error)".hasPrefix("b.gguf: sha256 \(try! hub.sha256(repo: "org/r", name: "b.gguf")) is not the hub's "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: hub.root.path + "/b.gguf.out"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: hub.root.path + "/b.gguf.out.incomplete"))
    }
}

extension ResumableDownloadTests {
    func testContentRangeStart() {
        XCTAssertEqual(ResumableDownload.rangeStart("bytes 70000-299999/300000"), 70_000)
        XCTAssertNil(ResumableDownload.rangeStart(nil))
        XCTAssertNil(ResumableDownload.rangeStart("bytes */300000"))
    }
}
