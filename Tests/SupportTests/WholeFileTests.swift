import Foundation
import Glibc
import Support
import XCTest

/// Whole files and streams read in one go, with one-line errors and a size cap.
final class WholeFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/wholefile-XXXXXX").utf8CString)
        directory = try XCTUnwrap(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testReadsAFileWhole() throws {
        let path = directory + "/text.txt"
        let bytes = (0..<200_000).map { UInt8($0 % 251) }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        XCTAssertEqual(try WholeFile.read(path: path, limit: 1 << 20), bytes)
    }

    func testMissingFileIsOneLineNamingIt() {
        XCTAssertThrowsError(try WholeFile.read(path: directory + "/no\nsuch", limit: 10)) { error in
            XCTAssertEqual("\(error)", directory + "/no such: cannot open: No such file or directory")
        }
    }

    func testDirectoryCannotBeRead() {
        XCTAssertThrowsError(try WholeFile.read(path: directory, limit: 10)) { error in
            XCTAssertEqual("\(error)", directory + ": cannot read: Is a directory")
        }
    }

    func testInputOverTheLimitIsRefused() throws {
        let path = directory + "/big"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(count: 2 << 20)))
        XCTAssertThrowsError(try WholeFile.read(path: path, limit: 1 << 20)) { error in
            XCTAssertEqual(error as? WholeFileError, WholeFileError(file: path, .tooLarge(limit: 1 << 20)))
            XCTAssertEqual("\(error)", path + ": larger than 1 MB")
        }
        XCTAssertThrowsError(try WholeFile.read(path: "/dev/zero", limit: 1000)) { error in
            XCTAssertEqual("\(error)", "/dev/zero: larger than 1000 bytes")
        }
    }

    func testReadsAPipeToItsEnd() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[0]) }
        let text = Array("from a pipe\n".utf8)
        XCTAssertEqual(write(fds[1], text, text.count), text.count)
        close(fds[1])
        XCTAssertEqual(try WholeFile.read(descriptor: fds[0], name: "standard input", limit: 100), text)
    }
}
