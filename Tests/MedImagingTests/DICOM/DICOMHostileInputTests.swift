import Foundation
@testable import MedImaging
import XCTest
import TestSupport

/// Damaged and malicious DICOM input: each must end in a one-line `DICOMError` naming
/// the source, quickly, never a crash, a hang or a huge allocation.
final class DICOMHostileInputTests: XCTestCase {
    private typealias B = DICOMTestBytes

    /// Decodes and returns the error, failing the test if decoding succeeded.
    @discardableResult
    private func decodeError(_ bytes: [UInt8], source: String = "hostile.dcm", maxPixels: Int = DICOMDecoder.defaultPixelLimit,
                             file: StaticString = #filePath, line: UInt = #line) -> DICOMError? {
        do {
            _ = try DICOMDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels)
            XCTFail("decoding succeeded but should have failed", file: file, line: line)
            return nil
        } catch {
            checkOneLine(error, source: source, file: file, line: line)
            return error
        }
    }

    private func checkOneLine(_ error: DICOMError, source: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)", file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix(source + ": "), "does not name the source: \(error)", file: file, line: line)
    }

    func testBuilderMakesAValidImage() throws {
        let image = try DICOMDecoder.decode(bytes: B.smallImage(), source: "small.dcm")
        XCTAssertEqual(image.width, 3)
        XCTAssertEqual(image.height, 2)
        XCTAssertEqual(image.storedValue(x: 2, y: 1), 0x0B0A)
    }

    func testEveryTruncationOfFixturesFails() throws {
        for name in ["explicit_nested_sq.dcm", "implicit_nested_sq.dcm", "implicit_multiframe3.dcm", "explicit_rgb8_planar1.dcm",
                     "deflated_u16.dcm"] {
            let bytes = try DICOMFixtureManifest.bytes(name)
            for length in 0..<bytes.count {
                guard let error = decodeError(Array(bytes.prefix(length)), source: name) else {
                    return XCTFail("\(name) cut at \(length) decoded")
                }
                switch error {
                case .empty: XCTAssertEqual(length, 0)
                case .truncated, .corrupt: break
                default: XCTFail("\(name) cut at \(length): \(error)")
                }
            }
        }
    }

    func testTruncatedRealSampleFails() throws {
        let path = TestEnvironment.fixture("sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm").path
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), "sample image missing at \(path)")
        let bytes = [UInt8](data)
        var lengths = Array(stride(from: 0, to: 6000, by: 7)) + [bytes.count / 2, bytes.count - 2, bytes.count - 1]
        lengths += stride(from: 6000, to: bytes.count, by: bytes.count / 40).map { $0 }
        for length in lengths {
            decodeError(Array(bytes.prefix(length)), source: "mr.dcm")
        }
    }

    func testElementLengthPastTheEnd() {
        let huge = B.element(0x0008, 0x1030, "LO", Array("abc ".utf8), length: 0xFFF0)
        let error = decodeError(B.smallImage(before: huge))
        guard case .truncated? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error?.description.contains("(0008,1030)") ?? false, "\(String(describing: error))")

        let long = B.element(0x0009, 0x0010, "OB", [1, 2], length: 0xFFFF_FFF0)
        guard case .truncated? = decodeError(B.smallImage(before: long)) else { return XCTFail() }
        let implicitLong = B.implicitElement(0x0008, 0x0060, [0x43, 0x54], length: 0x7FFF_FFFF)
        guard case .truncated? = decodeError(B.file(transferSyntax: B.implicitVR, dataSet: implicitLong)) else { return XCTFail() }
    }

    func testPixelDataShorterThanTheHeaderSays() {
        let bytes = B.file(dataSet: B.imageHeader(rows: 20, columns: 20) + B.pixelData([1, 2, 3, 4]))
        guard case .truncated? = decodeError(bytes) else { return XCTFail() }
    }

    /// Sizes far beyond the limit are refused from the header, before any pixel memory: the
    /// files hold 4 bytes of pixel data, so an error other than `tooLarge` (truncated) would
    /// mean the pixels were read first, and an allocation of that size would end the process.
    func testHugeHeadersAreRefusedBeforeAllocating() {
        let cases: [(String, [UInt8])] = [
            ("100000×100000 (UL)", B.imageHeader(rows: 100_000, columns: 100_000, rowsVR: "UL")),
            ("65535×65535", B.imageHeader(rows: 65535, columns: 65535)),
            ("2e9 frames", B.imageHeader(rows: 100, columns: 100, frames: 2_000_000_000)),
        ]
        for (label, header) in cases {
            let error = decodeError(B.file(dataSet: header + B.pixelData([0, 0, 0, 0])))
            guard case .tooLarge? = error else { return XCTFail("\(label): \(String(describing: error))") }
        }
        // The caller's limit applies too.
        let small = B.file(dataSet: B.imageHeader(rows: 20, columns: 20) + B.pixelData([UInt8](repeating: 0, count: 800)))
        guard case .tooLarge? = decodeError(small, maxPixels: 399) else { return XCTFail() }
        XCTAssertNoThrow(try DICOMDecoder.decode(bytes: small, maxPixels: 400))
    }

    func testUnclosedUndefinedLengthSequence() {
        let open = B.undefinedSequence(0x0008, 0x1140, items: [B.element(0x0008, 0x1150, "UI", B.text("1.2", uid: true))], closed: false)
        let error = decodeError(B.file(dataSet: open))
        guard case .truncated? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error?.description.contains("never ends") ?? false)

        // An item that is never closed, in implicit VR.
        let item = B.implicitElement(0x0008, 0x1140, [], length: B.undefined) + B.delimiter(0xE000, length: B.undefined)
            + B.implicitElement(0x0008, 0x1150, B.text("1.2", uid: true))
        guard case .truncated? = decodeError(B.file(transferSyntax: B.implicitVR, dataSet: item)) else { return XCTFail() }
    }

    func testDeepNestingIsCapped() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var inner = B.element(0x0008, 0x0100, "SH", B.text("X"))
            for _ in 0..<depth { inner = B.undefinedSequence(0x0040, 0xA730, items: [inner]) }
            return inner
        }
        XCTAssertNoThrow(try DICOMDecoder.decode(bytes: B.smallImage(before: nested(DICOMDataSetParser.maxDepth))))
        let error = decodeError(B.smallImage(before: nested(DICOMDataSetParser.maxDepth + 1)))
        guard case .corrupt? = error else { return XCTFail("\(String(describing: error))") }
        // Very deep nesting ends at the cap, it never reaches the stack limit: the error is the cap's.
        let opener = B.element(0x0040, 0xA730, "SQ", [], length: B.undefined) + B.delimiter(0xE000, length: B.undefined)
        let closer = B.delimiter(0xE00D) + B.delimiter(0xE0DD)
        let deep = Array([[UInt8]](repeating: opener, count: 20_000).joined()) + B.element(0x0008, 0x0100, "SH", B.text("X"))
            + Array([[UInt8]](repeating: closer, count: 20_000).joined())
        let deepError = decodeError(B.smallImage(before: deep))
        guard case .corrupt? = deepError else { return XCTFail("\(String(describing: deepError))") }
        XCTAssertTrue(deepError?.description.contains("sequences nested deeper than \(DICOMDataSetParser.maxDepth) levels") == true,
                      "\(String(describing: deepError))")
        // Only undefined-length openers, nothing closed.
        let openers = Array([[UInt8]](repeating: opener, count: 100_000).joined())
        guard case .corrupt? = decodeError(B.file(dataSet: openers)) else { return XCTFail() }
    }

    func testOddLengthsAreReadOrRefusedCleanly() throws {
        // An odd-length text value is tolerated and read as written.
        let odd = B.element(0x0008, 0x0060, "CS", Array("CTX".utf8))
        let image = try DICOMDecoder.decode(bytes: B.smallImage(before: odd))
        XCTAssertEqual(image.metadata.modality, "CTX")
        // An odd-length pixel data value with one spare byte is fine.
        let spare = B.file(dataSet: B.imageHeader(rows: 1, columns: 2) + B.pixelData([1, 0, 2, 0, 9]))
        XCTAssertEqual(try DICOMDecoder.decode(bytes: spare).storedValue(x: 1, y: 0), 2)
        // A wrong odd length misaligns the rest: whatever happens must be a clean error or success.
        for delta in [-3, -1, 1, 3] {
            let wrong = B.element(0x0008, 0x0060, "CS", Array("CT".utf8), length: 2 + delta)
            do { _ = try DICOMDecoder.decode(bytes: B.smallImage(before: wrong), source: "odd.dcm") } catch {
                checkOneLine(error, source: "odd.dcm")
            }
        }
    }

    func testEmptyAndNotDICOM() {
        guard case .empty? = decodeError([]) else { return XCTFail() }
        let text = Array("hello, this is plainly not an image\n".utf8)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 200)
        var noMarker = B.smallImage()
        noMarker[129] = 0x58
        for bytes in [png, noMarker, [UInt8](repeating: 0x41, count: 132)] {
            guard case .notDICOM? = decodeError(bytes) else { return XCTFail("\(bytes.prefix(8))") }
        }
        guard case .truncated? = decodeError([UInt8](repeating: 0, count: 100)) else { return XCTFail() }
        guard case .notDICOM? = decodeError(text + [UInt8](repeating: 0, count: 200)) else { return XCTFail() }
    }

    func testUnsupportedTransferSyntaxesAreNamed() {
        let cases = [
            ("1.2.840.10008.1.2.4.201", "HTJ2K"),
            ("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264"),
            ("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)"),
            ("1.2.3.4", "unknown transfer syntax"),
        ]
        for (uid, name) in cases {
            let error = decodeError(B.smallImage(transferSyntax: uid), source: "c.dcm")
            XCTAssertEqual(error?.description, "c.dcm: not supported: \(name) (\(uid))")
        }
    }

    func testStructuralDamage() {
        // No transfer syntax in the meta information.
        let noSyntax = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + B.element(0x0002, 0x0001, "OB", [0, 1])
            + B.imageHeader(rows: 1, columns: 1) + B.pixelData([0, 0])
        guard case .corrupt? = decodeError(noSyntax) else { return XCTFail() }
        // Encapsulated pixel data in an uncompressed syntax.
        let encapsulated = B.file(dataSet: B.imageHeader(rows: 1, columns: 1) + B.pixelData([], length: B.undefined)
            + B.delimiter(0xE000, length: 2) + [0, 0] + B.delimiter(0xE0DD))
        guard case .corrupt? = decodeError(encapsulated) else { return XCTFail() }
        // The same in implicit VR, where an undefined length would otherwise read as a sequence.
        let implicitHeader = B.implicitElement(0x0028, 0x0010, B.u16(1)) + B.implicitElement(0x0028, 0x0011, B.u16(1))
            + B.implicitElement(0x0028, 0x0100, B.u16(16))
        let implicitEncapsulated = B.file(transferSyntax: B.implicitVR, dataSet: implicitHeader
            + B.implicitElement(0x7FE0, 0x0010, [], length: B.undefined) + B.delimiter(0xE000, length: 8)
            + [UInt8](repeating: 7, count: 8) + B.delimiter(0xE0DD))
        guard case .corrupt? = decodeError(implicitEncapsulated) else { return XCTFail() }
        // An item tag at the top level.
        guard case .corrupt? = decodeError(B.smallImage(before: B.delimiter(0xE000, length: 0))) else { return XCTFail() }
        // A bad VR.
        let badVR = B.u16(0x0008) + B.u16(0x0060) + [0x01, 0x02] + B.u16(2) + [0x43, 0x54]
        guard case .corrupt? = decodeError(B.smallImage(before: badVR)) else { return XCTFail() }
        // A sequence holding something other than items.
        let notItem = B.element(0x0008, 0x1140, "SQ", [], length: B.undefined) + B.element(0x0008, 0x0060, "CS", B.text("CT"))
        guard case .corrupt? = decodeError(B.file(dataSet: notItem)) else { return XCTFail() }
        // No image at all / no pixel data / zero rows.
        guard case .corrupt? = decodeError(B.file(dataSet: B.element(0x0008, 0x0060, "CS", B.text("CT")))) else { return XCTFail() }
        guard case .corrupt? = decodeError(B.file(dataSet: B.imageHeader(rows: 2, columns: 2))) else { return XCTFail() }
        guard case .corrupt? = decodeError(B.file(dataSet: B.imageHeader(rows: 0, columns: 2) + B.pixelData([]))) else { return XCTFail() }
        // Frames that are not a positive integer.
        guard case .corrupt? = decodeError(B.file(dataSet: B.imageHeader(rows: 1, columns: 1, frames: 0) + B.pixelData([0, 0]))) else { return XCTFail() }
        // Unparsable rescale.
        let rescale = B.element(0x0028, 0x1053, "DS", B.text("abc"))
        guard case .corrupt? = decodeError(B.smallImage(before: rescale)) else { return XCTFail() }
    }

    func testUnsupportedPixelFormatsAreNamed() {
        let cases: [([UInt8], String)] = [
            (B.imageHeader(rows: 1, columns: 1, photometric: "PALETTE COLOR"), "photometric interpretation PALETTE COLOR"),
            (B.imageHeader(rows: 1, columns: 1, photometric: "YBR_PARTIAL_420", samples: 3), "photometric interpretation YBR_PARTIAL_420"),
            // YBR_FULL(_422) decodes to RGB as in pydicom, at 8 bits and, for 4:2:2, with whole pairs.
            (B.imageHeader(rows: 1, columns: 1, photometric: "YBR_FULL", samples: 3), "YBR_FULL with 16 bits allocated (only 8)"),
            (B.imageHeader(rows: 1, columns: 1, photometric: "YBR_FULL_422", samples: 3, bitsAllocated: 8),
             "YBR_FULL_422 with an odd number of columns (1)"),
            (B.imageHeader(rows: 1, columns: 1, bitsAllocated: 32), "32 bits allocated (only 8 and 16)"),
            (B.imageHeader(rows: 1, columns: 1, bitsAllocated: 1), "1 bits allocated (only 8 and 16)"),
        ]
        for (header, feature) in cases {
            let error = decodeError(B.file(dataSet: header + B.pixelData([UInt8](repeating: 0, count: 16))), source: "p.dcm")
            XCTAssertEqual(error?.description, "p.dcm: not supported: \(feature)")
        }
    }

    /// YBR_FULL_422 stores two bytes a pixel: pixel data short of that is truncated, not read past.
    func testShortYBR422PixelDataIsTruncated() {
        let header = B.imageHeader(rows: 2, columns: 2, photometric: "YBR_FULL_422", samples: 3, bitsAllocated: 8)
        let error = decodeError(B.file(dataSet: header + B.pixelData([UInt8](repeating: 0, count: 6))), source: "p.dcm")
        guard case .truncated? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(error?.description.contains("need 8") == true, "\(String(describing: error))")
    }

    /// Random byte damage to a real structure: success or a one-line error, never a trap.
    func testRandomByteDamageNeverCrashes() throws {
        var generator = SplitMix64(seed: 0x00D1_C0DE)
        for name in ["explicit_nested_sq.dcm", "implicit_nested_sq.dcm", "implicit_multiframe3.dcm", "deflated_u16.dcm"] {
            let original = try DICOMFixtureManifest.bytes(name)
            for _ in 0..<1500 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    let index = Int.random(in: 128..<bytes.count, using: &generator)
                    bytes[index] = [0x00, 0xFF, 0xFE, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!
                }
                do { _ = try DICOMDecoder.decode(bytes: bytes, source: name, maxPixels: 1_000_000) } catch {
                    checkOneLine(error, source: name)
                }
            }
        }
        // Pure garbage after the marker.
        for _ in 0..<300 {
            let body = (0..<Int.random(in: 0...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let bytes = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + body
            decodeError(bytes, source: "garbage.dcm")
        }
    }

    /// A deflate bomb (a few KB that expand 1000:1) stops at the inflate limit.
    func testDICOMDeflateBombIsCapped() throws {
        let syntax = "1.2.840.10008.1.2.1.99"
        let bomb = B.file(transferSyntax: syntax, dataSet: DICOMDeflateBomb.zeros(matches: 40_000))  // 10 MB of zeros
        XCTAssertLessThan(bomb.count, 70_000)
        XCTAssertThrowsError(try DICOMFile(bytes: bomb, source: "bomb.dcm", maxInflatedBytes: 1_000_000)) { error in
            guard case .tooLarge? = error as? DICOMError else { return XCTFail("\(error)") }
            XCTAssertEqual("\(error)", "bomb.dcm: too large: the deflated data set expands past 1000000 bytes")
        }
        // With room to expand, the zeros are no valid data set (tag (0000,0000) with VR "\0\0").
        XCTAssertThrowsError(try DICOMFile(bytes: bomb, source: "bomb.dcm", maxInflatedBytes: 20_000_000)) { error in
            guard case .corrupt? = error as? DICOMError else { return XCTFail("\(error)") }
        }
    }

    func testDamagedDeflateStreams() {
        let syntax = "1.2.840.10008.1.2.1.99"
        let cases: [[UInt8]] = [
            [0x07],                          // block type 3
            [0x01, 0x05, 0x00, 0x00, 0x00],  // stored block whose length check fails
            [0x01, 0xFF, 0xFF, 0x00, 0x00],  // stored block longer than the data
            [0x05, 0xFF, 0xFF, 0xFF, 0xFF],  // dynamic block with impossible tables
            [0x03, 0x00],                    // fixed block, then nothing
            [0x02],                          // a non-final fixed block, then nothing
        ]
        for stream in cases {
            decodeError(B.file(transferSyntax: syntax, dataSet: stream), source: "deflate.dcm")
        }
    }

    func testMissingFileAndDirectory() {
        for path in ["/nonexistent/dir/x.dcm", NSTemporaryDirectory()] {
            XCTAssertThrowsError(try DICOMDecoder.decode(path: path)) { error in
                guard case .unreadable? = error as? DICOMError else { return XCTFail("\(error)") }
            }
        }
    }
}
