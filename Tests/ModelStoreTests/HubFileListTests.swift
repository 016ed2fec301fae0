import XCTest
@testable import ModelStore

final class HubFileListTests: XCTestCase {
    let sha = String(repeating: "ab", count: 32)

    func testTreeEntriesTakeLFSOid() throws {
        let json = #"[{"type":"directory","path":"d"},{"type":"file","path":"a.gguf","size":134,"oid":"x","lfs":{"oid":"\#(sha)","size":5000}},{"type":"file","path":"README.md","size":10,"oid":"y"}]"#
        let files = try HubFileList.parse(Data(json.utf8), url: "u")
        XCTAssertEqual(files, [HubFile(path: "a.gguf", size: 5000, sha256: sha), HubFile(path: "README.md", size: 10, sha256: nil)])
    }

    func testSiblingsTakeLFSSha256() throws {
        let json = #"{"id":"o/r","siblings":[{"rfilename":"m.gguf","size":7,"lfs":{"sha256":"\#(sha)","size":7}}]}"#
        XCTAssertEqual(try HubFileList.parse(Data(json.utf8), url: "u"), [HubFile(path: "m.gguf", size: 7, sha256: sha)])
    }

    func testNotJSONNamesTheURL() {
        XCTAssertThrowsError(try HubFileList.parse(Data("<html>".utf8), url: "http://h/api")) { error in
            XCTAssertEqual("\(error)", "http://h/api: the file list is not JSON")
        }
    }
}
