@testable import MedImaging
import XCTest

/// JPEG-LS frames against pydicom (GDCM / pyjpegls / pylibjpeg), and hostile codestreams.
final class JPEGLSFrameDecoderTests: XCTestCase {
    private typealias A = CodecErrorAssertions
    private let decode: A.Decode = JPEGLSFrameDecoder.decode

    private func fixture(_ name: String) throws -> CodecFixtureManifest.Fixture {
        try XCTUnwrap(try CodecFixtureManifest.fixtures("jpegls").first { $0.name == name }, name)
    }

    func testFixturesMatchPydicom() throws {
        let fixtures = try CodecFixtureManifest.fixtures("jpegls")
        for f in fixtures {
            let samples = try JPEGLSFrameDecoder.decode(try f.bytes(), geometry: f.geometry, source: f.name)
            f.check(samples)
        }
        XCTAssertTrue(Set(fixtures.map(\.bitsStored)).isSuperset(of: [8, 12, 16]))
        XCTAssertTrue(fixtures.contains { $0.signed && $0.bitsStored == 16 })
        XCTAssertTrue(fixtures.contains { $0.samplesPerPixel == 3 && $0.bitsAllocated == 16 })
        XCTAssertTrue(fixtures.contains { $0.transferSyntax == "1.2.840.10008.1.2.4.81" })
    }

    /// Interleave mode none (planes), line and sample all come back pixel-interleaved.
    func testInterleaveModesAllInterleave() throws {
        for name in ["jls_rgb8_ilv0", "jls_rgb8_ilv1", "jls_rgb8_ilv2_near", "jls_pydicom_rgb_line", "jls_pydicom_rgb_sample"] {
            let f = try fixture(name)
            f.check(try JPEGLSFrameDecoder.decode(try f.bytes(), geometry: f.geometry, source: f.name))
        }
    }

    func testTruncatedCodestreamsFail() throws {
        for name in ["jls_ct_s16", "jls_rgb8_ilv0", "jls_pydicom_near_08"] {
            let f = try fixture(name)
            let bytes = try f.bytes()
            for length in Array(0..<40) + Array(stride(from: 40, to: bytes.count - 2, by: max(1, bytes.count / 97))) {
                A.expectError(decode, Array(bytes.prefix(length)), f.geometry, source: "\(name).dcm", "cut at \(length)")
                // The same cut with an EOI marker put back: CharLS itself must refuse it, quickly.
                A.expectError(decode, Array(bytes.prefix(length)) + [0xFF, 0xD9], f.geometry, source: "\(name).dcm", "cut at \(length) + EOI")
            }
        }
    }

    func testFrameWithoutEOIIsTruncated() throws {
        let f = try fixture("jls_ct_s16")
        let bytes = try f.bytes()
        let error = A.expectError(decode, Array(bytes.dropLast(2)), f.geometry, source: "cut.dcm")
        guard case .truncated = error else { return XCTFail("\(String(describing: error))") }
        // DICOM's zero padding after EOI is fine.
        f.check(try JPEGLSFrameDecoder.decode(bytes + [0], geometry: f.geometry, source: f.name))
    }

    func testHeaderClaiming65535SquaredIsRefused() throws {
        let f = try fixture("jls_ct_s16")
        var bytes = try f.bytes()
        let sof = try XCTUnwrap(A.marker(0xF7, in: bytes))
        bytes.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFF, 0xFF, 0xFF, 0xFF])
        let error = A.expectError(decode, bytes, f.geometry, source: "huge.dcm")
        XCTAssertTrue(error?.description.contains("65535×65535") == true, "\(String(describing: error))")
    }

    func testComponentCountAndDepthMismatchesFail() throws {
        let f = try fixture("jls_ct_s16")
        let bytes = try f.bytes()
        A.expectError(decode, bytes, A.geometry(f.geometry, samples: 3), source: "rgb.dcm")
        A.expectError(decode, bytes, A.geometry(f.geometry, columns: 65), source: "columns.dcm")
        A.expectError(decode, bytes, A.geometry(f.geometry, bitsAllocated: 8, bitsStored: 8), source: "eight.dcm")
        let colour = try fixture("jls_rgb8")
        A.expectError(decode, try colour.bytes(), A.geometry(colour.geometry, samples: 1), source: "gray.dcm")
    }

    func testGarbageFails() throws {
        let f = try fixture("jls_ct_s16")
        var garbage: [UInt8] = [0xFF, 0xD8]
        var state: UInt32 = 777
        for _ in 0..<2000 {
            state = state &* 1_103_515_245 &+ 12345
            garbage.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        A.expectError(decode, garbage, f.geometry, source: "garbage.dcm")
        A.expectError(decode, [0xFF, 0x4F, 0xFF, 0x51], f.geometry, source: "j2k.dcm")
        A.expectError(decode, [], f.geometry, source: "empty.dcm")
    }
}
