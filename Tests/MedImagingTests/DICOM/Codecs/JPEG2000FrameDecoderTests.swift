@testable import MedImaging
import XCTest

/// JPEG 2000 frames against pydicom (pylibjpeg-openjpeg / GDCM), and hostile codestreams.
final class JPEG2000FrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEG2000FrameDecoder.decode

    private func fixture(_ name: String) throws -> CodecFixtureManifest.Fixture {
        try XCTUnwrap(try CodecFixtureManifest.fixtures("jpeg2000").first { $0.name == name }, name)
    }

    func testFixturesMatchPydicom() throws {
        let fixtures = try CodecFixtureManifest.fixtures("jpeg2000")
        for f in fixtures {
            let samples = try JPEG2000FrameDecoder.decode(try f.bytes(), geometry: f.geometry, source: f.name)
            f.check(samples)
        }
        // The set covers what the decoder claims: 8, 12 and 16 bits, signed, colour, JP2, lossy.
        XCTAssertEqual(Set(fixtures.map(\.bitsStored)).isSuperset(of: [8, 12, 16]), true)
        XCTAssertTrue(fixtures.contains { $0.signed && $0.bitsStored == 16 })
        XCTAssertTrue(fixtures.contains { $0.samplesPerPixel == 3 && $0.bitsAllocated == 16 })
        XCTAssertTrue(fixtures.contains { $0.transferSyntax == "1.2.840.10008.1.2.4.91" })
        XCTAssertTrue(try fixtures.contains { try $0.bytes().starts(with: [0, 0, 0, 0x0C, 0x6A, 0x50]) }, "no JP2 fixture")
    }

    /// The real JPEG 2000 originals of the CT and chest X-ray samples (the refused files).
    func testRealSampleImagesDecode() throws {
        for name in ["j2k_sample_ct", "j2k_sample_cxr"] {
            let f = try fixture(name)
            f.check(try JPEG2000FrameDecoder.decode(try f.bytes(), geometry: f.geometry, source: f.name))
        }
    }

    /// Pixel Representation 1 over an unsigned 13-bit codestream: pydicom's sign correction.
    func testSignednessMismatchIsCorrectedLikePydicom() throws {
        let f = try fixture("j2k_pydicom_pixelrep_mismatch")
        XCTAssertTrue(f.signed)
        f.check(try JPEG2000FrameDecoder.decode(try f.bytes(), geometry: f.geometry, source: f.name))
    }

    func testTruncatedCodestreamsFail() throws {
        for name in ["j2k_ct_s16", "j2k_rgb8_rct", "j2k_pydicom_GDCMJ2K_TextGBR_jp2"] {
            let f = try fixture(name)
            let bytes = try f.bytes()
            for length in Array(0..<64) + Array(stride(from: 64, to: bytes.count - 2, by: max(1, bytes.count / 97))) {
                A.expectError(decode, Array(bytes.prefix(length)), f.geometry, source: "\(name).dcm", "cut at \(length)")
            }
        }
    }

    /// SIZ rewritten to 65535 × 65535 (image and tile): refused from the header, before tiles exist.
    func testHeaderClaiming65535SquaredIsRefusedBeforeDecoding() throws {
        let f = try fixture("j2k_ct_s16")
        var bytes = try f.bytes()
        let siz = try XCTUnwrap(A.marker(0x51, in: bytes))
        for field in [siz + 6, siz + 10, siz + 22, siz + 26] {
            bytes.replaceSubrange(field..<(field + 4), with: [0, 0, 0xFF, 0xFF])
        }
        let error = A.expectError(decode, bytes, f.geometry, source: "huge.dcm")
        XCTAssertTrue(error?.description.contains("65535×65535") == true, "\(String(describing: error))")
    }

    func testComponentCountAndDepthMismatchesFail() throws {
        let f = try fixture("j2k_ct_s16")
        let bytes = try f.bytes()
        A.expectError(decode, bytes, A.geometry(f.geometry, samples: 3), source: "rgb.dcm")
        A.expectError(decode, bytes, A.geometry(f.geometry, rows: 63), source: "rows.dcm")
        A.expectError(decode, bytes, A.geometry(f.geometry, bitsAllocated: 8, bitsStored: 8), source: "eight.dcm")
        let colour = try fixture("j2k_rgb8_rct")
        A.expectError(decode, try colour.bytes(), A.geometry(colour.geometry, samples: 1), source: "gray.dcm")
        // A component precision of 24 bits in SIZ.
        var deep = bytes
        let siz = try XCTUnwrap(A.marker(0x51, in: deep))
        deep[siz + 40] = 0x80 | 23
        A.expectError(decode, deep, f.geometry, source: "deep.dcm")
    }

    func testGarbageFails() throws {
        let f = try fixture("j2k_ct_s16")
        let bytes = try f.bytes()
        var garbage = Array(bytes.prefix(4))
        var state: UInt32 = 12345
        for _ in 0..<2000 {
            state = state &* 1_103_515_245 &+ 12345
            garbage.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        A.expectError(decode, garbage, f.geometry, source: "garbage.dcm")
        // Garbage in the tile data after a valid main header.
        var damaged = bytes
        let sod = try XCTUnwrap(A.marker(0x93, in: damaged))
        for i in (sod + 2)..<min(damaged.count - 2, sod + 400) { damaged[i] = 0xFF }
        A.expectError(decode, damaged, f.geometry, source: "tiles.dcm")
        A.expectError(decode, [0xFF, 0xD8, 0xFF, 0xE0], f.geometry, source: "jpeg.dcm")
        A.expectError(decode, [], f.geometry, source: "empty.dcm")
    }
}
