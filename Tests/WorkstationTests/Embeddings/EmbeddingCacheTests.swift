import Support
import Foundation
import Gemma
import MedImaging
import XCTest
@testable import Workstation

final class EmbeddingCacheTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "embedding-cache-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func key(_ name: String) -> EmbeddingCacheKey {
        EmbeddingCacheKey(pictureKey: name, imageSize: 896, normalization: .gemma3, panAndScan: nil, mmprojHash: "m")
    }

    /// Two images (picture + one crop) of 3 tokens × 2, with awkward values: negative zero,
    /// a NaN payload, infinities, subnormals — all must come back bit for bit.
    private let entry = EmbeddingCacheEntry(tokenCount: 3, width: 2, images: [
        [1.5, -0.0, Float(bitPattern: 0x7fc0_1234), .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude],
        [0, 1, 2, 3, 4, -5.25],
    ])

    private func bits(_ e: EmbeddingCacheEntry) -> [[UInt32]] { e.images.map { $0.map(\.bitPattern) } }

    func testRoundTripIsBitExact() throws {
        let cache = EmbeddingCache(directory: folder)
        XCTAssertNil(try cache.load(key("a")))
        try cache.store(entry, for: key("a"))
        let loaded = try XCTUnwrap(try cache.load(key("a")))
        XCTAssertEqual(bits(loaded), bits(entry))
        XCTAssertEqual(loaded.tokenCount, 3)
        XCTAssertEqual(loaded.width, 2)
        XCTAssertNil(try cache.load(key("b")))
    }

    /// The layout the documentation promises: header, floats little-endian, sha256 trailer.
    func testFileLayout() throws {
        let bytes = EmbeddingCache.encode(entry, key: key("a"))
        XCTAssertEqual(bytes.count, 56 + 12 * 4 + 32)
        XCTAssertEqual(Array(bytes[0..<8]), Array("MGEMBED".utf8) + [0])
        XCTAssertEqual(Array(bytes[8..<12]), [1, 0, 0, 0])
        XCTAssertEqual(Array(bytes[12..<44]), key("a").bytes)
        XCTAssertEqual(Array(bytes[44..<56]), [3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0])
        XCTAssertEqual(Array(bytes[56..<60]), [0, 0, 0xc0, 0x3f], "1.5 as little-endian float32")
        XCTAssertEqual(SHA256.hex(bytes.suffix(32)), SHA256.hex(of: bytes.dropLast(32)))
    }

    private func assertCorrupt(_ bytes: [UInt8], _ reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let cache = EmbeddingCache(directory: folder)
        let path = cache.path(for: key("a"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try cache.load(key("a")), file: file, line: line) { error in
            guard case .corrupt(_, let why)? = error as? EmbeddingCacheError else {
                return XCTFail("expected .corrupt, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(why.contains(reason), "\(why)", file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a damaged entry is deleted", file: file, line: line)
        XCTAssertNil(try cache.load(key("a")), file: file, line: line)
    }

    func testFlippedByteIsDetected() throws {
        var bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes[70] ^= 0x01
        try assertCorrupt(bytes, "checksum")
        bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes[bytes.count - 1] ^= 0x80
        try assertCorrupt(bytes, "checksum")
    }

    func testTruncatedFileIsDetected() throws {
        let bytes = EmbeddingCache.encode(entry, key: key("a"))
        try assertCorrupt(Array(bytes.dropLast(4)), "declares")
        try assertCorrupt(Array(bytes.prefix(20)), "only 20 bytes")
        try assertCorrupt([], "only 0 bytes")
    }

    /// A hostile header declaring an enormous entry is refused from the header alone.
    func testGiantDeclaredSizeIsRefused() throws {
        var bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes.replaceSubrange(44..<56, with: [0, 0, 1, 0, 0, 0, 1, 0, 64, 0, 0, 0])  // 64 × 65536 × 65536
        try assertCorrupt(bytes, "declares")
        bytes.replaceSubrange(44..<48, with: [0xff, 0xff, 0xff, 0xff])
        try assertCorrupt(bytes, "implausible")
        bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes.replaceSubrange(52..<56, with: [0, 0, 0, 0])
        try assertCorrupt(bytes, "implausible")
    }

    func testWrongMagicVersionOrKeyIsDetected() throws {
        var bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes[0] = UInt8(ascii: "X")
        try assertCorrupt(bytes, "not an embedding cache file")
        bytes = EmbeddingCache.encode(entry, key: key("a"))
        bytes[8] = 2
        try assertCorrupt(bytes, "version 2")
        // A valid entry for another key, renamed: refused by the key echo.
        try assertCorrupt(EmbeddingCache.encode(entry, key: key("b")), "another key")
    }

    /// Past the size cap, the least recently used entries go first; a hit counts as a use.
    func testPruningRemovesLeastRecentlyUsed() throws {
        let size = Int64(EmbeddingCache.encode(entry, key: key("a")).count)
        let cache = EmbeddingCache(directory: folder, maximumBytes: 2 * size)
        try cache.store(entry, for: key("a"))
        try cache.store(entry, for: key("b"))
        let fm = FileManager.default
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -300)], ofItemAtPath: cache.path(for: key("a")))
        try fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -200)], ofItemAtPath: cache.path(for: key("b")))
        XCTAssertNotNil(try cache.load(key("a")))  // "a" is now the most recently used
        try cache.store(entry, for: key("c"))
        XCTAssertTrue(fm.fileExists(atPath: cache.path(for: key("a"))))
        XCTAssertFalse(fm.fileExists(atPath: cache.path(for: key("b"))))
        XCTAssertTrue(fm.fileExists(atPath: cache.path(for: key("c"))))
    }

    /// An embedding made of a picture and crops comes back as the same rows, named by key.
    func testEntryFromEmbedding() {
        let embedding = ImageEmbedding(key: "x#0", rows: [1, 2, 3, 4], tokenCount: 2,
                                       crops: [ImageEmbedding(key: "x#1", rows: [5, 6, 7, 8], tokenCount: 2)])
        let entry = EmbeddingCacheEntry(embedding)
        XCTAssertEqual(entry.width, 2)
        XCTAssertEqual(entry.images, [[1, 2, 3, 4], [5, 6, 7, 8]])
        let back = entry.embedding(named: "k")
        XCTAssertEqual(back.key, "k#0")
        XCTAssertEqual(back.crops.map(\.key), ["k#1"])
        XCTAssertEqual(back.crops[0].rows, [5, 6, 7, 8])
    }
}
