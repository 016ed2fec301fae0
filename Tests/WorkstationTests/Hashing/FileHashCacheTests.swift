import Foundation
import TestSupport
import XCTest
@testable import Workstation

final class FileHashCacheTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "hash-cache-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Digests computed with `sha256sum` in the shell.
    func testFixtureDigestsMatchSha256sum() throws {
        let cache = FileHashCache(directory: folder + "/hashes")
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let text = TestEnvironment.fixture("tiny_gemma_vision/text.gguf").path
        XCTAssertEqual(try cache.sha256(ofFileAt: mmproj), "41df66c340aa59d85720be9815fc7159bb345dfb3ca5e0a6d0d72a97abf0d696")
        XCTAssertEqual(try cache.sha256(ofFileAt: text), "4c0385d2a8cd19fb4198d0e169b4e54eb9c5f87d5bd31de8dcdd30872a243351")
        // Remembered: asked again (memory) and by a fresh instance (the JSON file).
        XCTAssertEqual(try cache.sha256(ofFileAt: mmproj), "41df66c340aa59d85720be9815fc7159bb345dfb3ca5e0a6d0d72a97abf0d696")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.file))
        let again = FileHashCache(directory: folder + "/hashes")
        XCTAssertEqual(try again.sha256(ofFileAt: text), "4c0385d2a8cd19fb4198d0e169b4e54eb9c5f87d5bd31de8dcdd30872a243351")
    }

    /// An unchanged file is not read again: a planted digest in the JSON file is believed
    /// (which is how a 3 GB model skips hashing at start), and a relative path finds it too.
    func testUnchangedFileIsNotRehashed() throws {
        let path = folder + "/abc.bin"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let cache = FileHashCache(directory: folder + "/hashes")
        XCTAssertEqual(try cache.sha256(ofFileAt: path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let planted = String(repeating: "7", count: 64)
        let json = try String(contentsOfFile: cache.file, encoding: .utf8)
            .replacingOccurrences(of: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", with: planted)
        try json.write(toFile: cache.file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try FileHashCache(directory: folder + "/hashes").sha256(ofFileAt: path), planted)
    }

    /// Same path, new content and modification time: hashed afresh.
    func testModifiedFileIsRehashed() throws {
        let path = folder + "/data.bin"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)], ofItemAtPath: path)
        let cache = FileHashCache(directory: folder + "/hashes")
        XCTAssertEqual(try cache.sha256(ofFileAt: path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")

        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data())
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 2_000_000)], ofItemAtPath: path)
        XCTAssertEqual(try cache.sha256(ofFileAt: path), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(try FileHashCache(directory: folder + "/hashes").sha256(ofFileAt: path),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testCorruptCacheFileIsIgnoredAndRewritten() throws {
        let path = folder + "/abc.bin"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let directory = folder + "/hashes"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cache = FileHashCache(directory: directory)
        try Data("{\"version\": 1, \"files\": {\"".utf8).write(to: URL(fileURLWithPath: cache.file))
        XCTAssertEqual(try cache.sha256(ofFileAt: path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let rewritten = try XCTUnwrap(FileManager.default.contents(atPath: cache.file))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: rewritten) as? [String: Any])
        let files = try XCTUnwrap(object["files"] as? [String: Any])
        XCTAssertEqual(Array(files.keys), [URL(fileURLWithPath: path).standardizedFileURL.path])
    }

    func testMissingFileThrows() {
        let cache = FileHashCache(directory: folder + "/hashes")
        XCTAssertThrowsError(try cache.sha256(ofFileAt: folder + "/missing.bin")) { error in
            XCTAssertEqual((error as? FileHashCache.HashError)?.path, folder + "/missing.bin")
        }
        XCTAssertThrowsError(try cache.sha256(ofFileAt: folder))
    }

    /// Many threads asking at once all get the right digest.
    func testConcurrentRequestsAgree() throws {
        let path = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let cache = FileHashCache(directory: folder + "/hashes")
        let results = LockedArray()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            results.append((try? cache.sha256(ofFileAt: path)) ?? "error")
        }
        XCTAssertEqual(results.values, Array(repeating: "41df66c340aa59d85720be9815fc7159bb345dfb3ca5e0a6d0d72a97abf0d696", count: 8))
    }
}

private final class LockedArray: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ value: String) { lock.withLock { storage.append(value) } }
    var values: [String] { lock.withLock { storage } }
}
