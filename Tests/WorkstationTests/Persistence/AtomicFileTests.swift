import Foundation
import XCTest
@testable import Workstation

final class AtomicFileTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "atomic-\(getpid())-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A new file in a new folder, private to the user; rewriting replaces it whole and
    /// leaves no temporary files behind.
    func testWritesReplacesAndKeepsThePermissions() throws {
        let path = dir + "/a/b/transcript.md"
        try AtomicFile.write("first", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        try AtomicFile.write("second, longer", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/a/b"), ["transcript.md"])
    }

    /// An unwritable target is a one-line error naming the file, and the old file stays.
    func testUnwritableTargetKeepsTheOldFile() throws {
        let path = dir + "/keep.md"
        try AtomicFile.write("old", to: path)
        XCTAssertEqual(chmod(dir, 0o500), 0)
        defer { chmod(dir, 0o700) }
        if getuid() == 0 {
            // root writes anyway; use a path whose folder is a file instead.
            let blocked = path + "/child.md"
            XCTAssertThrowsError(try AtomicFile.write("x", to: blocked)) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(blocked): cannot save: "), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"))
            }
        } else {
            XCTAssertThrowsError(try AtomicFile.write("new", to: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): cannot save: "), "\(error)")
            }
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
    }

    func testXDGDirectories() {
        let d = AppDirectories(environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/data", "XDG_CONFIG_HOME": "relative/ignored"])
        XCTAssertEqual(d.data, "/data/medgemma")
        XCTAssertEqual(d.config, "/home/u/.config/medgemma")
        XCTAssertEqual(d.cache, "/home/u/.cache/medgemma")
        XCTAssertEqual(d.transcripts, "/data/medgemma/transcripts")
    }
}
