import Foundation
import Glibc
@testable import MedImaging
import TestSupport
import XCTest

/// The one image-file reader: whole files and header prefixes, links followed, anything
/// that is not a regular file refused before it is opened.
final class FileBytesTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "medgemma-filebytes-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testAPrefixIsTheFilesFirstBytesWithItsSize() throws {
        let path = TestEnvironment.fixture("png/gray8.png").path
        let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let read = try FileBytes.read(path: path, upTo: 16, limit: 1 << 20).get()
        XCTAssertEqual(read.bytes, Array(whole.prefix(16)))
        XCTAssertEqual(read.size, whole.count)
        XCTAssertEqual(try FileBytes.read(path: path, limit: 1 << 20).get(), whole)
    }

    /// A linked image opens like its target (PACS exports and series folders link slices).
    func testALinkIsFollowed() throws {
        let target = TestEnvironment.fixture("png/gray8.png").path
        let link = dir + "/linked.png"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertEqual(try MedicalImage.load(path: link).pixels, try MedicalImage.load(path: target).pixels)
    }

    func testWhatIsNotARegularFileIsRefusedByKind() throws {
        let fifo = dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(FileBytes.read(path: fifo, limit: 100).failure, .notRegular)
        XCTAssertEqual(FileBytes.read(path: dir, limit: 100).failure, .directory)
        XCTAssertEqual(FileBytes.read(path: dir + "/none", limit: 100).failure, .missing)
        let big = TestEnvironment.fixture("png/gray8.png").path
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: big)[.size] as? Int)
        XCTAssertEqual(FileBytes.read(path: big, limit: size - 1).failure, .tooLarge(size: size))
    }
}

private extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
