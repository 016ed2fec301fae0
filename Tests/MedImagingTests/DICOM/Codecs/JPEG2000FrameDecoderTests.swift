@testable import MedImaging
import XCTest

/// JPEG 2000 frames against pydicom (pylibjpeg-openjpeg / GDCM), and hostile codestreams.
final class JPEG2000FrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEG2000FrameDecoder.decode

    func testFixturesMatchPydicom() throws {
        let fixtures = try CodecFixtureManifest.checkAll("jpeg2000", decode, bitsStored: [8, 12, 16], transferSyntax: "1.2.840.10008.1.2.4.91")
        XCTAssertTrue(try fixtures.contains { try $0.bytes().starts(with: [0, 0, 0, 0x0C, 0x6A, 0x50]) }, "no JP2 fixture")
    }

    /// The real JPEG 2000 originals of the CT and chest X-ray samples (the refused files).
    func testRealSampleImagesDecode() throws {
        try CodecFixtureManifest.check(["j2k_sample_ct", "j2k_sample_cxr"], decode)
    }

    /// Pixel Representation 1 over an unsigned 13-bit codestream: pydicom's sign correction.
    func testSignednessMismatchIsCorrectedLikePydicom() throws {
        XCTAssertTrue(try CodecFixtureManifest.fixture("j2k_pydicom_pixelrep_mismatch").signed)
        try CodecFixtureManifest.check(["j2k_pydicom_pixelrep_mismatch"], decode)
    }

    func testTruncatedCodestreamsFail() throws {
        try A.expectCutsFail(decode, ["j2k_ct_s16", "j2k_rgb8_rct", "j2k_pydicom_GDCMJ2K_TextGBR_jp2"], dense: 64)
    }

    /// SIZ rewritten to 65535 × 65535 (image and tile): refused from the header, before tiles exist.
    func testHeaderClaiming65535SquaredIsRefusedBeforeDecoding() throws {
        // Xsiz, Ysiz, XTsiz, YTsiz.
        try A.expectHugeRefused(decode, fixture: "j2k_ct_s16", marker: 0x51, fields: [6, 10, 22, 26], width: 4)
    }

    func testComponentCountAndDepthMismatchesFail() throws {
        let f = try CodecFixtureManifest.fixture("j2k_ct_s16")
        try A.expectGeometryMismatchesFail(decode, gray: f, colour: try CodecFixtureManifest.fixture("j2k_rgb8_rct"))
        // A component precision of 24 bits in SIZ.
        var deep = try f.bytes()
        let siz = try XCTUnwrap(A.marker(0x51, in: deep))
        deep[siz + 40] = 0x80 | 23
        A.expectError(decode, deep, f.geometry, source: "deep.dcm")
    }

    func testGarbageFails() throws {
        let f = try CodecFixtureManifest.fixture("j2k_ct_s16")
        let bytes = try f.bytes()
        let garbage = A.garbage(after: Array(bytes.prefix(4)), seed: 12345)
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
