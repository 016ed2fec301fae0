@testable import MedImaging
import XCTest

/// JPEG-LS frames against pydicom (GDCM / pyjpegls / pylibjpeg), and hostile codestreams.
final class JPEGLSFrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEGLSFrameDecoder.decode

    func testFixturesMatchPydicom() throws {
        try CodecFixtureManifest.checkAll("jpegls", decode, bitsStored: [8, 12, 16], transferSyntax: "1.2.840.10008.1.2.4.81")
    }

    /// Interleave mode none (planes), line and sample all come back pixel-interleaved.
    func testInterleaveModesAllInterleave() throws {
        try CodecFixtureManifest.check(["jls_rgb8_ilv0", "jls_rgb8_ilv1", "jls_rgb8_ilv2_near", "jls_pydicom_rgb_line",
                                        "jls_pydicom_rgb_sample"], decode)
    }

    func testTruncatedCodestreamsFail() throws {
        // Each cut also with its EOI marker put back: CharLS itself must refuse it, quickly.
        try A.expectCutsFail(decode, ["jls_ct_s16", "jls_rgb8_ilv0", "jls_pydicom_near_08"], dense: 40, suffix: [0xFF, 0xD9])
    }

    func testFrameWithoutEOIIsTruncated() throws {
        let f = try CodecFixtureManifest.fixture("jls_ct_s16")
        let bytes = try f.bytes()
        let error = A.expectError(decode, Array(bytes.dropLast(2)), f.geometry, source: "cut.dcm")
        guard case .truncated = error else { return XCTFail("\(String(describing: error))") }
        // DICOM's zero padding after EOI is fine.
        f.check(try JPEGLSFrameDecoder.decode(bytes + [0], geometry: f.geometry, source: f.name))
    }

    func testHeaderClaiming65535SquaredIsRefused() throws {
        // SOF55: Y and X.
        try A.expectHugeRefused(decode, fixture: "jls_ct_s16", marker: 0xF7, fields: [5, 7], width: 2)
    }

    func testComponentCountAndDepthMismatchesFail() throws {
        try A.expectGeometryMismatchesFail(decode, gray: try CodecFixtureManifest.fixture("jls_ct_s16"),
                                           colour: try CodecFixtureManifest.fixture("jls_rgb8"))
    }

    func testGarbageFails() throws {
        let f = try CodecFixtureManifest.fixture("jls_ct_s16")
        let garbage = A.garbage(after: [0xFF, 0xD8], seed: 777)
        A.expectError(decode, garbage, f.geometry, source: "garbage.dcm")
        A.expectError(decode, [0xFF, 0x4F, 0xFF, 0x51], f.geometry, source: "j2k.dcm")
        A.expectError(decode, [], f.geometry, source: "empty.dcm")
    }
}
