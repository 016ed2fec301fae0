@testable import MedImaging
import XCTest

/// JPEG Baseline frames: the frame header is checked against the DICOM geometry before
/// libjpeg-turbo runs, and YBR is turned into RGB with pydicom's arithmetic.
final class JPEGBaselineFrameDecoderTests: XCTestCase {
    private func problem(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return (error as? DICOMError)?.description ?? "\(error)" }
    }

    /// A minimal frame: SOI, then a frame header claiming `width` × `height`, then SOS.
    private func header(width: Int, height: Int, components: Int = 1, precision: Int = 8) -> [UInt8] {
        var sof: [UInt8] = [0xFF, 0xC0, 0, UInt8(8 + 3 * components), UInt8(precision),
                            UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
        for id in 0..<components { sof += [UInt8(id + 1), 0x11, 0] }
        return [0xFF, 0xD8] + sof + [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0]
    }

    func testFrameHeaderMustMatchTheGeometry() {
        let geometry = DICOMFrameGeometry(rows: 24, columns: 32, samplesPerPixel: 1, bitsAllocated: 8, bitsStored: 8, isSigned: false)
        XCTAssertEqual(problem { _ = try JPEGBaselineFrameDecoder.decode(self.header(width: 65535, height: 65535), geometry: geometry,
                                                                          source: "j.dcm") },
                       "j.dcm: damaged DICOM: JPEG frame is 65535×65535 with 1 component(s), the DICOM header says 32×24 with 1")
        XCTAssertEqual(problem { _ = try JPEGBaselineFrameDecoder.decode(self.header(width: 32, height: 24, precision: 12),
                                                                          geometry: geometry, source: "j.dcm") },
                       "j.dcm: not supported: 12-bit JPEG in 8 bits allocated (JPEG Baseline is 8-bit)")
        XCTAssertEqual(problem { _ = try JPEGBaselineFrameDecoder.decode([0xFF, 0xD8, 0xFF, 0xC0, 0x01, 0x00], geometry: geometry,
                                                                          source: "j.dcm") },
                       "j.dcm: truncated DICOM: JPEG frame's marker FFC0 segment at byte 2 claims 256 bytes past the end")
    }

    func testNeutralisedColourMarkers() throws {
        let jfif: [UInt8] = [0xFF, 0xE0, 0, 7] + Array("JFIF\0".utf8)
        let frame = [0xFF, 0xD8] + jfif + Array(header(width: 1, height: 1, components: 3).dropFirst(2))
        let parsed = try JPEGFrameHeader(bytes: frame, source: "j.dcm")
        XCTAssertTrue(parsed.hasJFIF)
        XCTAssertEqual(parsed.componentIDs, [1, 2, 3])
        let rewritten = parsed.withoutColourTransform(frame)
        XCTAssertEqual(Array(rewritten[2..<18]), [0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0, 0x64, 0, 0, 0, 0, 0])
        XCTAssertEqual(rewritten[19], 0xEF, "the JFIF marker is renamed APP15")
    }

    func testYBRConversionIsPydicomsRounding() {
        // Values from pydicom's convert_color_space on the same bytes.
        var samples: [UInt8] = [128, 128, 128, 0, 0, 0, 255, 255, 255, 76, 85, 255]
        YBRFullToRGB.convert(&samples)
        XCTAssertEqual(samples, [128, 128, 128, 0, 135, 0, 255, 121, 255, 254, 0, 0])
    }
}
