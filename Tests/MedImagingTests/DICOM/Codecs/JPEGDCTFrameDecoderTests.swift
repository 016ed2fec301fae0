@testable import MedImaging
import XCTest

/// 12-bit JPEG Extended frames against IJG libjpeg as GDCM and DCMTK run it (the fixtures'
/// oracle, see Tools/make_jpeg_extended_fixtures.py), and hostile codestreams.
final class JPEGDCTFrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEGExtendedFrameDecoder.decode

    func testFixturesMatchGDCMAndDCMTK() throws {
        let all = try CodecFixtureManifest.fixtures("jpegextended")
        for f in all {
            f.check(try decode(try f.bytes(), f.geometry, f.name))
        }
        XCTAssertTrue(all.contains { $0.columns % 8 != 0 && $0.rows % 8 != 0 }, "a size that is not whole blocks")
        XCTAssertTrue(all.contains { $0.name == "jpeg12_pydicom_JPEG-lossy" }, "pydicom's JPEG-lossy.dcm")
        for name in ["jpeg12_mr_restart5", "jpeg12_odd_restart7"] {
            let bytes = try CodecFixtureManifest.fixture(name).bytes()
            XCTAssertNotNil(A.marker(0xDD, in: bytes), "\(name) has a DRI segment")
            XCTAssertNotNil(A.marker(0xD7, in: bytes) ?? A.marker(0xD0, in: bytes), "\(name) has restart markers")
        }
    }

    /// 8-bit .51 goes to libjpeg-turbo; our DCT decoder, given it directly, gives the same samples.
    func testEightBitExtendedMatchesBothWays() throws {
        let f = try CodecFixtureManifest.fixture("jpeg8_mr_extended_q90")
        let bytes = try f.bytes()
        XCTAssertEqual(bytes[try XCTUnwrap(A.marker(0xC1, in: bytes)) + 4], 8, "an 8-bit SOF1 frame")
        f.check(try decode(bytes, f.geometry, f.name))
        f.check(try JPEGDCTFrameDecoder.decode(bytes, geometry: f.geometry, source: f.name))
    }

    /// Every cut short of the end of the entropy-coded data fails, with or without an EOI put back.
    func testEveryTruncationFails() throws {
        for name in ["jpeg12_u12_q90", "jpeg12_odd_restart7"] {
            let f = try CodecFixtureManifest.fixture(name)
            let bytes = try f.bytes()
            // The data ends at the EOI, or at the fill bytes before it.
            var end = try XCTUnwrap(A.marker(0xD9, in: bytes))
            while end > 0, bytes[end - 1] == 0xFF { end -= 1 }
            for length in 0..<end {
                A.expectError(decode, Array(bytes.prefix(length)), f.geometry, source: "\(name).dcm", "cut at \(length)")
                A.expectError(decode, Array(bytes.prefix(length)) + [0xFF, 0xD9], f.geometry, source: "\(name).dcm",
                              "cut at \(length) + EOI")
            }
        }
    }

    func testHeaderClaiming65535SquaredIsRefused() throws {
        // SOF1: Y and X.
        try A.expectHugeRefused(decode, fixture: "jpeg12_u12_q90", marker: 0xC1, fields: [5, 7], width: 2)
    }

    func testGeometryMismatchesFail() throws {
        let f = try CodecFixtureManifest.fixture("jpeg12_u12_q90")
        let bytes = try f.bytes(), g = f.geometry
        A.expectError(decode, bytes, A.geometry(g, samples: 3), source: "rgb.dcm")
        A.expectError(decode, bytes, A.geometry(g, rows: g.rows - 1), source: "rows.dcm")
        A.expectError(decode, bytes, A.geometry(g, columns: g.columns + 1), source: "columns.dcm")
        A.expectError(decode, bytes, A.geometry(g, bitsAllocated: 8, bitsStored: 8), source: "eight.dcm")
        var precision = bytes
        let sof = try XCTUnwrap(A.marker(0xC1, in: precision))
        precision[sof + 4] = 16
        A.expectError(decode, precision, g, source: "sixteen.dcm")
    }

    func testBadTablesFail() throws {
        let f = try CodecFixtureManifest.fixture("jpeg12_mr_q100")
        let bytes = try f.bytes()
        // The second DHT segment: DCMTK writes the AC table, with more codes, after the DC one.
        let dht = try XCTUnwrap(A.marker(0xC4, in: bytes, from: try XCTUnwrap(A.marker(0xC4, in: bytes)) + 2))
        // Three codes of one bit (and three fewer of a longer length, so the segment stays whole).
        let oversubscribed = try A.oversubscribed(bytes, dht: dht)
        let error = A.expectError(decode, oversubscribed, f.geometry, source: "huffman.dcm")
        XCTAssertTrue(error?.description.contains("Huffman") == true, "\(String(describing: error))")
        // Table class 2, which JPEG does not have.
        var classTwo = bytes
        classTwo[dht + 4] = 0x20 | (classTwo[dht + 4] & 0x0F)
        A.expectError(decode, classTwo, f.geometry, source: "class.dcm")
        // The scan names Huffman tables that were never defined.
        var missing = bytes
        let sos = try XCTUnwrap(A.marker(0xDA, in: missing))
        missing[sos + 6] = 0x33
        A.expectError(decode, missing, f.geometry, source: "missing.dcm")
        // The frame names quantisation table 5 (there are four), or 3, which is not defined.
        let sof = try XCTUnwrap(A.marker(0xC1, in: bytes))
        for slot: UInt8 in [5, 3] {
            var quant = bytes
            quant[sof + 12] = slot
            let error = A.expectError(decode, quant, f.geometry, source: "quant.dcm", "table \(slot)")
            XCTAssertTrue(error?.description.contains("quantisation table") == true, "\(String(describing: error))")
        }
        // A DQT segment whose length runs past the frame.
        var lying = bytes
        let dqt = try XCTUnwrap(A.marker(0xDB, in: lying))
        lying[dqt + 2] = 0xFF
        lying[dqt + 3] = 0xF0
        A.expectError(decode, lying, f.geometry, source: "length.dcm")
    }

    func testGarbageAndMarkerDamageFail() throws {
        let f = try CodecFixtureManifest.fixture("jpeg12_mr_restart5")
        let bytes = try f.bytes()
        A.expectError(decode, A.garbage(after: [0xFF, 0xD8], seed: 1212), f.geometry, source: "garbage.dcm")
        A.expectError(decode, [], f.geometry, source: "empty.dcm")
        A.expectError(decode, [0xFF, 0xD8, 0xFF, 0xD9], f.geometry, source: "noscan.dcm")
        // A restart marker out of sequence.
        var restart = bytes
        let rst = try XCTUnwrap(A.marker(0xD0, in: restart))
        restart[rst + 1] = 0xD3
        A.expectError(decode, restart, f.geometry, source: "restart.dcm")
        // A progressive frame header is refused by name.
        var progressive = bytes
        let sof = try XCTUnwrap(A.marker(0xC1, in: progressive))
        progressive[sof + 1] = 0xC2
        let error = A.expectError(decode, progressive, f.geometry, source: "progressive.dcm")
        XCTAssertTrue(error?.description.contains("not supported") == true, "\(String(describing: error))")
    }

    /// Random single-byte damage anywhere: an error or an image, never a crash or a hang.
    func testRandomDamageNeverCrashes() throws {
        try A.expectDamageSurvived(decode, fixture: "jpeg12_odd_restart7", seed: 77)
    }
}
