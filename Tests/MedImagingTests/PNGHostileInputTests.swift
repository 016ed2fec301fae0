import Foundation
import MedImaging
import XCTest
import TestSupport

/// Damaged and malicious inputs: each must end in a one-line `ImageError`, never a crash.
final class PNGHostileInputTests: XCTestCase {
    private let fixtureDir = PNGFixtureManifest.directory

    private func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtureDir.appendingPathComponent(name)))
    }

    /// Runs the decoder and returns its error, failing the test if it succeeded.
    /// `context` ends each failure message (a fuzz test's seed and try).
    private func decodeError(_ bytes: [UInt8], source: String = "test.png", maxPixels: Int = PNGDecoder.defaultPixelLimit,
                             context: String = "", file: StaticString = #filePath, line: UInt = #line) -> ImageError? {
        do {
            _ = try PNGDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels)
            XCTFail("decoding succeeded but should have failed" + context, file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)" + context, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(source + ": "), "does not name the source: \(error)" + context, file: file, line: line)
            return error
        }
    }

    func testEveryTruncationOfSmallFixturesFails() throws {
        for name in ["gray8.png", "rgba16_interlaced.png", "palette8_trns.png"] {
            let bytes = try fixtureBytes(name)
            for length in 0..<bytes.count {
                guard let error = decodeError(Array(bytes.prefix(length)), source: name) else { continue }
                switch error {
                case .empty: XCTAssertEqual(length, 0)
                case .truncated: break
                default: XCTFail("\(name) cut at \(length): expected truncation, got \(error)")
                }
            }
        }
    }

    func testTruncatedRealSampleFails() throws {
        let path = TestEnvironment.fixture("sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png").path
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), "sample image missing at \(path)")
        let bytes = [UInt8](data)
        for length in [8, 20, 33, 100, 4096, bytes.count / 2, bytes.count - 13, bytes.count - 1] {
            let error = decodeError(Array(bytes.prefix(length)), source: "cxr.png")
            guard case .truncated? = error else { return XCTFail("cut at \(length): \(String(describing: error))") }
        }
    }

    func testNotAPNG() {
        let text = Array("hello, this is plainly not an image\n".utf8)
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01]
        var generator = SplitMix64(seed: 0x9E6_0001)
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for bytes in [text, jpeg, garbage, [0x89]] + [Array("\u{89}PNX".utf8)] {
            let error = decodeError(bytes)
            if case .notPNG? = error { continue }
            if bytes == [0x89], case .truncated? = error { continue }  // a prefix of the signature
            XCTFail("expected notPNG for \(bytes.prefix(8)), got \(String(describing: error))")
        }
    }

    func testSignatureFollowedByGarbageFails() {
        let seed: UInt64 = 0x9E6_0002
        var generator = SplitMix64(seed: seed)
        for k in 0..<50 {
            let garbage = (0..<Int.random(in: 1...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = decodeError(PNGTestBytes.signature + garbage, context: " (seed \(seed), try \(k))")
        }
    }

    func testHugeHeaderIsRefusedBeforeDecoding() throws {
        let huge = PNGTestBytes.png(width: 100_000, height: 100_000)
        guard case .tooLarge(_, let width, let height, let limit)? = decodeError(huge, source: "huge.png") else {
            return XCTFail("expected tooLarge")
        }
        XCTAssertEqual([width, height, limit], [100_000, 100_000, PNGDecoder.defaultPixelLimit])
        XCTAssertEqual(ImageError.tooLarge(source: "huge.png", width: 100_000, height: 100_000, limit: 100_000_000).description,
                       "huge.png: image too large: 100000×100000 pixels exceeds the limit of 100000000 pixels")
        // Also refused when the header is all there is (nothing else could have been read).
        let headerOnly = Array(huge.prefix(8 + 25))
        guard case .tooLarge? = decodeError(headerOnly) else { return XCTFail("expected tooLarge from the header alone") }
        // The largest possible header (2^31-1 square) must not overflow the pixel count.
        guard case .tooLarge? = decodeError(PNGTestBytes.png(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF)) else {
            return XCTFail("expected tooLarge for 2^31-1 square")
        }
    }

    func testPixelLimitIsConfigurable() throws {
        let bytes = try fixtureBytes("gray8.png")  // 7×5 = 35 pixels
        XCTAssertNoThrow(try PNGDecoder.decode(bytes: bytes, maxPixels: 35))
        guard case .tooLarge? = decodeError(bytes, maxPixels: 34) else { return XCTFail("expected tooLarge") }
    }

    func testInvalidHeaderFieldsFail() {
        for bytes in [PNGTestBytes.png(width: 0, height: 5), PNGTestBytes.png(width: 5, height: 5, bitDepth: 3),
                      PNGTestBytes.png(width: 5, height: 5, colourType: 7)] {
            guard case .corrupt? = decodeError(bytes) else { return XCTFail("expected corrupt") }
        }
    }

    func testDamagedImageDataFails() throws {
        var bytes = try fixtureBytes("rgb8.png")
        // Flip a byte inside the first IDAT's data (after signature 8 + IHDR 25 + IDAT header 8).
        bytes[8 + 25 + 8 + 4] ^= 0xFF
        guard case .corrupt? = decodeError(bytes) else { return XCTFail("expected corrupt") }
        var noIHDR = try fixtureBytes("gray8.png")
        noIHDR[12..<16] = [0x62, 0x4B, 0x47, 0x44]  // rename IHDR to bKGD
        guard case .corrupt? = decodeError(noIHDR) else { return XCTFail("expected corrupt") }
    }

    func testZeroByteFile() throws {
        let path = try temporaryFile(contents: [])
        XCTAssertThrowsError(try PNGDecoder.decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError, .empty(source: path))
            XCTAssertEqual("\(error)", "\(path): empty file, not a PNG image")
        }
    }

    func testUnreadablePaths() throws {
        let missing = NSTemporaryDirectory() + "/no-such-\(UUID().uuidString).png"
        XCTAssertThrowsError(try PNGDecoder.decode(path: missing)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(source: missing, reason: "no such file"))
        }
        XCTAssertThrowsError(try PNGDecoder.decode(path: NSTemporaryDirectory())) { error in
            guard case .unreadable? = error as? ImageError else { return XCTFail("\(error)") }
        }
    }

    func testFileErrorsNameTheFileOnOneLine() throws {
        let path = try temporaryFile(contents: Array("GIF89a not a png".utf8))
        XCTAssertThrowsError(try PNGDecoder.decode(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): not a PNG image (the PNG signature is missing)")
        }
        let odd = ImageError.corrupt(source: "a\nb.png", detail: "line one\nline two")
        XCTAssertFalse(odd.description.contains("\n"))
    }

    private func temporaryFile(contents: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "/medimaging-\(UUID().uuidString).png"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(contents)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
