@testable import MedImaging
import XCTest

/// Lossless JPEG frames against pydicom (GDCM / pylibjpeg-libjpeg), and hostile codestreams.
final class JPEGLosslessFrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEGLosslessFrameDecoder.decode

    func testFixturesMatchPydicom() throws {
        try CodecFixtureManifest.checkAll("jpeglossless", decode, bitsStored: [2, 8, 12, 16], transferSyntax: "1.2.840.10008.1.2.4.70")
    }

    func testEveryPredictorMatchesPydicom() throws {
        for predictor in 1...7 {
            let f = try CodecFixtureManifest.fixture("ljpeg_ct_s16_p\(predictor)")
            let bytes = try f.bytes()
            let sos = try XCTUnwrap(A.marker(0xDA, in: bytes))
            XCTAssertEqual(Int(bytes[sos + 4 + 2 * Int(bytes[sos + 4]) + 1]), predictor, "the SOS selection value")
            f.check(try JPEGLosslessFrameDecoder.decode(bytes, geometry: f.geometry, source: f.name))
        }
    }

    /// Every prefix short of the end of the scan data fails; only the EOI may be missing.
    func testEveryTruncationFails() throws {
        for name in ["ljpeg_s12_p2", "ljpeg_ct_s16_restart8", "ljpeg_rgb8_scans"] {
            let f = try CodecFixtureManifest.fixture(name)
            let bytes = try f.bytes()
            let step = bytes.count > 3000 ? 7 : 1
            for length in stride(from: 0, to: bytes.count - 2, by: step) {
                A.expectError(decode, Array(bytes.prefix(length)), f.geometry, source: "\(name).dcm", "cut at \(length)")
            }
        }
    }

    func testHeaderClaiming65535SquaredIsRefused() throws {
        // SOF3: Y and X.
        try A.expectHugeRefused(decode, fixture: "ljpeg_ct_s16_p1", marker: 0xC3, fields: [5, 7], width: 2)
    }

    func testComponentCountAndPrecisionMismatchesFail() throws {
        let f = try CodecFixtureManifest.fixture("ljpeg_ct_s16_p1")
        try A.expectGeometryMismatchesFail(decode, gray: f, colour: try CodecFixtureManifest.fixture("ljpeg_rgb8_p5"))
        var deep = try f.bytes()
        let sof = try XCTUnwrap(A.marker(0xC3, in: deep))
        deep[sof + 4] = 17
        A.expectError(decode, deep, f.geometry, source: "deep.dcm")
        deep[sof + 4] = 1
        A.expectError(decode, deep, f.geometry, source: "shallow.dcm")
    }

    func testBadHuffmanTablesFail() throws {
        let f = try CodecFixtureManifest.fixture("ljpeg_ct_s16_p1")
        let bytes = try f.bytes()
        let dht = try XCTUnwrap(A.marker(0xC4, in: bytes))
        // Three codes of one bit (and three fewer of a longer length, so the segment stays whole).
        let oversubscribed = try A.oversubscribed(bytes, dht: dht)
        let error = A.expectError(decode, oversubscribed, f.geometry, source: "huffman.dcm")
        XCTAssertTrue(error?.description.contains("Huffman") == true, "\(String(describing: error))")
        // Table class 1 (AC), which lossless JPEG has no use for.
        var classOne = bytes
        classOne[dht + 4] = 0x10
        A.expectError(decode, classOne, f.geometry, source: "class.dcm")
        // The scan names a table that was never defined.
        var missing = bytes
        let sos = try XCTUnwrap(A.marker(0xDA, in: missing))
        missing[sos + 6] = 0x30
        A.expectError(decode, missing, f.geometry, source: "missing.dcm")
        // A category above 16 in the table's values.
        var category = bytes
        let counts = category[(dht + 5)..<(dht + 21)].reduce(0) { $0 + Int($1) }
        category[dht + 21 + counts - 1] = 17
        A.expectError(decode, category, f.geometry, source: "category.dcm")
    }

    func testGarbageAndMarkerDamageFail() throws {
        let f = try CodecFixtureManifest.fixture("ljpeg_ct_s16_restart8")
        let bytes = try f.bytes()
        let garbage = A.garbage(after: [0xFF, 0xD8], seed: 4242)
        A.expectError(decode, garbage, f.geometry, source: "garbage.dcm")
        A.expectError(decode, [0xFF, 0x4F, 0xFF, 0x51], f.geometry, source: "j2k.dcm")
        A.expectError(decode, [], f.geometry, source: "empty.dcm")
        // A restart marker out of sequence.
        var restart = bytes
        let rst = try XCTUnwrap(A.marker(0xD0, in: restart))
        restart[rst + 1] = 0xD3
        A.expectError(decode, restart, f.geometry, source: "restart.dcm")
        // A lossy (baseline) frame header where SOF3 should be.
        var baseline = bytes
        let sof = try XCTUnwrap(A.marker(0xC3, in: baseline))
        baseline[sof + 1] = 0xC0
        let error = A.expectError(decode, baseline, f.geometry, source: "baseline.dcm")
        XCTAssertTrue(error?.description.contains("not supported") == true, "\(String(describing: error))")
    }

    /// Random single-byte damage anywhere: an error or an image, never a crash or a hang.
    func testRandomDamageNeverCrashes() throws {
        try A.expectDamageSurvived(decode, fixture: "ljpeg_rgb8_p5", seed: 99)
    }
}
