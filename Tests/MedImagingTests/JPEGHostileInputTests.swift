import Foundation
import MedImaging
import XCTest
import TestSupport

/// Damaged and malicious inputs: each must end in a one-line `ImageError`, never a crash or hang.
///
/// Policy under test: libjpeg would decode a truncated file with the rest filled gray and
/// only *warn*; `JPEGDecoder` turns every warning into an error, so any cut is `truncatedJPEG`.
final class JPEGHostileInputTests: XCTestCase {
    /// Runs the decoder and returns its error, failing the test if it succeeded.
    /// `context` ends each failure message (a fuzz test's seed and try).
    private func decodeError(_ bytes: [UInt8], source: String = "test.jpg", maxPixels: Int = JPEGDecoder.defaultPixelLimit,
                             context: String = "", file: StaticString = #filePath, line: UInt = #line) -> ImageError? {
        do {
            _ = try JPEGDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels)
            XCTFail("decoding succeeded but should have failed" + context, file: file, line: line)
            return nil
        } catch {
            assertOneLine(error, source: source, context: context, file: file, line: line)
            return error
        }
    }

    private func assertOneLine(_ error: ImageError, source: String, context: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)" + context, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix(source + ": "), "does not name the source: \(error)" + context, file: file, line: line)
    }

    /// SOI, a frame header with the given fields, and (optionally) a scan header: enough for the walk.
    private func frame(width: Int, height: Int, components: Int = 3, precision: UInt8 = 8,
                       marker: UInt8 = 0xC0, withScan: Bool = true) -> [UInt8] {
        var sof: [UInt8] = [0xFF, marker, 0, UInt8(8 + 3 * components), precision,
                            UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
        for c in 0..<components { sof += [UInt8(c + 1), 0x11, 0] }
        var scan: [UInt8] = [0xFF, 0xDA, 0, UInt8(6 + 2 * components), UInt8(components)]
        for c in 0..<components { scan += [UInt8(c + 1), 0] }
        scan += [0, 63, 0]
        return [0xFF, 0xD8] + sof + (withScan ? scan + [0x12, 0x34, 0xFF, 0xD9] : [])
    }

    func testEveryTruncationOfSmallFixturesFails() throws {
        for name in ["gray_17x11.jpg", "rgb420_progressive_33x21.jpg", "rgb420_restart_40x24.jpg"] {
            let bytes = try JPEGFixtureManifest.bytes(of: name)
            for length in 0..<bytes.count {
                guard let error = decodeError(Array(bytes.prefix(length)), source: name) else { continue }
                switch error {
                case .emptyJPEG: XCTAssertEqual(length, 0)
                case .truncatedJPEG: break
                default: XCTFail("\(name) cut at \(length): expected truncation, got \(error)")
                }
            }
        }
    }

    func testTruncatedRealSampleFails() throws {
        let path = TestEnvironment.fixture("sample-images/fundus/fundus_skimage_retina_normal_left_eye.jpg").path
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), "sample image missing at \(path)")
        let bytes = [UInt8](data)
        var lengths = [1, 2, 3, 4, 20, 100, 300, 600, 1000, bytes.count - 2, bytes.count - 1]
        lengths += stride(from: 4096, to: bytes.count, by: bytes.count / 16)
        for length in lengths {
            let error = decodeError(Array(bytes.prefix(length)), source: "fundus.jpg")
            guard case .truncatedJPEG? = error else { return XCTFail("cut at \(length): \(String(describing: error))") }
        }
    }

    func testNotAJPEG() {
        let text = Array("hello, this is plainly not an image\n".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        var generator = SplitMix64(seed: 0x1FE6_0001)
        var garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        garbage[0] = 0x00
        for bytes in [text, png, garbage, [0xD8], [0xFF, 0xD9], [0x00, 0xD8, 0xFF]] {
            guard case .notJPEG? = decodeError(bytes) else { return XCTFail("expected notJPEG for \(bytes.prefix(8))") }
        }
        guard case .truncatedJPEG? = decodeError([0xFF]) else { return XCTFail("a lone FF is a cut-off SOI") }
    }

    func testStartOfImageFollowedByGarbageFails() {
        let seed: UInt64 = 0x1FE6_0002
        var generator = SplitMix64(seed: seed)
        for k in 0..<200 {
            let garbage = (0..<Int.random(in: 1...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = decodeError([0xFF, 0xD8] + garbage, context: " (seed \(seed), try \(k))")
        }
    }

    /// Flipped bytes anywhere: JPEG has no checksums, so some damage still decodes (to wrong
    /// pixels); what matters is that nothing crashes or hangs and every error is one line.
    func testRandomlyDamagedFixturesNeverCrash() throws {
        let seed: UInt64 = 0x1FE6_0003
        var generator = SplitMix64(seed: seed)
        for name in ["rgb420_64x48.jpg", "rgb420_progressive_33x21.jpg", "gray_restart_rows_33x21.jpg"] {
            let original = try JPEGFixtureManifest.bytes(of: name)
            for k in 0..<150 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 2..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                do {
                    let image = try JPEGDecoder.decode(bytes: bytes, source: name)
                    XCTAssertEqual(image.pixels.count, image.width * image.height * image.channels.count, "seed \(seed), \(name) try \(k)")
                } catch {
                    assertOneLine(error, source: name, context: " (seed \(seed), \(name) try \(k))")
                }
            }
        }
    }

    func testHugeFrameIsRefusedBeforeDecoding() throws {
        // 65535² is the largest a JPEG can claim; 60000² is under libjpeg's own 65500 cap,
        // so only our limit stands between it and a 10 GB allocation.
        for side in [65535, 60000] {
            for bytes in [frame(width: side, height: side), frame(width: side, height: side, withScan: false)] {
                guard case .tooLarge(_, let width, let height, let limit)? = decodeError(bytes, source: "huge.jpg") else {
                    return XCTFail("expected tooLarge for \(side)²")
                }
                XCTAssertEqual([width, height, limit], [side, side, JPEGDecoder.defaultPixelLimit])
            }
        }
        XCTAssertEqual(decodeError(frame(width: 65535, height: 65535), source: "huge.jpg")?.description,
                       "huge.jpg: image too large: 65535×65535 pixels exceeds the limit of 100000000 pixels")
        // The same header patched into a real file, after its APP0/DQT segments.
        var real = try JPEGFixtureManifest.bytes(of: "rgb420_64x48.jpg")
        let sof = try XCTUnwrap(real.indices.dropLast().first { real[$0] == 0xFF && real[$0 + 1] == 0xC0 })
        real[(sof + 5)..<(sof + 9)] = [0xFF, 0xFF, 0xFF, 0xFF]
        guard case .tooLarge? = decodeError(real) else { return XCTFail("expected tooLarge for the patched fixture") }
    }

    func testPixelLimitIsConfigurable() throws {
        let bytes = try JPEGFixtureManifest.bytes(of: "gray_17x11.jpg")  // 187 pixels
        XCTAssertNoThrow(try JPEGDecoder.decode(bytes: bytes, maxPixels: 187))
        guard case .tooLarge? = decodeError(bytes, maxPixels: 186) else { return XCTFail("expected tooLarge") }
    }

    func testUnsupportedFramesAreNamed() {
        let cases: [([UInt8], String)] = [
            (frame(width: 8, height: 8, precision: 12), "12-bit samples; only 8-bit JPEG is supported"),
            (frame(width: 8, height: 8, marker: 0xC3), "lossless JPEG (SOF3)"),
            (frame(width: 8, height: 8, marker: 0xC5), "hierarchical JPEG (SOF5)"),
            (frame(width: 8, height: 8, components: 4), "4-component (CMYK or YCCK) image; convert it to RGB first"),
            (frame(width: 8, height: 8, components: 2), "2-component image; only gray and colour are supported"),
        ]
        for (bytes, detail) in cases {
            XCTAssertEqual(decodeError(bytes), .unsupportedJPEG(source: "test.jpg", detail: detail))
        }
    }

    func testInvalidMarkersFail() {
        let zeroSize = frame(width: 0, height: 8)
        XCTAssertEqual(decodeError(zeroSize), .corruptJPEG(source: "test.jpg", detail: "invalid image size 0×8"))
        // A scan before any frame header, an EOI straight after SOI, a bad segment length, two frames.
        guard case .corruptJPEG? = decodeError([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0]),
              case .corruptJPEG? = decodeError([0xFF, 0xD8, 0xFF, 0xD9]),
              case .corruptJPEG? = decodeError([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0xFF, 0xD9]),
              case .corruptJPEG? = decodeError(frame(width: 8, height: 8, withScan: false) + frame(width: 8, height: 8).dropFirst(2)) else {
            return XCTFail("expected corruptJPEG")
        }
        // A frame with no real entropy-coded data behind it: libjpeg's error, still one line.
        _ = decodeError(frame(width: 8, height: 8))
    }

    func testZeroByteFile() throws {
        let path = try temporaryFile(contents: [])
        XCTAssertThrowsError(try JPEGDecoder.decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError, .emptyJPEG(source: path))
            XCTAssertEqual("\(error)", "\(path): empty file, not a JPEG image")
        }
    }

    func testFileErrorsNameTheFileOnOneLine() throws {
        let path = try temporaryFile(contents: Array("GIF89a not a jpeg".utf8))
        XCTAssertThrowsError(try JPEGDecoder.decode(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): not a JPEG image (the start-of-image marker FF D8 is missing)")
        }
        let missing = NSTemporaryDirectory() + "/no-such-\(UUID().uuidString).jpg"
        XCTAssertThrowsError(try JPEGDecoder.decode(path: missing)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(source: missing, reason: "no such file"))
        }
        XCTAssertThrowsError(try JPEGDecoder.decode(path: NSTemporaryDirectory())) { error in
            guard case .unreadable? = error as? ImageError else { return XCTFail("\(error)") }
        }
        let odd = ImageError.truncatedJPEG(source: "a\nb.jpg", detail: "line one\nline two")
        XCTAssertFalse(odd.description.contains("\n"))
    }

    /// A sparse file just over the size limit: refused from its size, without reading it.
    func testOversizedFileIsNotRead() throws {
        let path = try temporaryFile(contents: [0xFF, 0xD8])
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(JPEGDecoder.maxFileBytes + 1))
        try handle.close()
        XCTAssertThrowsError(try JPEGDecoder.decode(path: path)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(
                source: path, reason: "\(JPEGDecoder.maxFileBytes + 1) bytes exceeds the limit of \(JPEGDecoder.maxFileBytes) bytes"))
        }
    }

    /// A FIFO named as a JPEG or PNG is refused from `stat`, not read (it would block).
    func testAFIFOIsRefusedByKind() throws {
        let fifo = NSTemporaryDirectory() + "jpeg-fifo-\(getpid())-\(UUID().uuidString.prefix(8)).jpg"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        defer { unlink(fifo) }
        XCTAssertThrowsError(try JPEGDecoder.decode(path: fifo)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(source: fifo, reason: "not a regular file"))
        }
        XCTAssertThrowsError(try PNGDecoder.decode(path: fifo)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(source: fifo, reason: "not a regular file"))
        }
    }

    private func temporaryFile(contents: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "/medimaging-\(UUID().uuidString).jpg"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(contents)))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
