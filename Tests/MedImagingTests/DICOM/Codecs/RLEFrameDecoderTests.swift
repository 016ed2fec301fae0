@testable import MedImaging
import XCTest

/// PackBits segments and the RLE header (PS3.5 G) on hand-built frames.
final class RLEFrameDecoderTests: XCTestCase {
    private typealias B = DICOMTestBytes

    private func geometry(rows: Int = 1, columns: Int = 4, samples: Int = 1, bits: Int = 8, stored: Int? = nil,
                          signed: Bool = false) -> DICOMFrameGeometry {
        DICOMFrameGeometry(rows: rows, columns: columns, samplesPerPixel: samples, bitsAllocated: bits,
                           bitsStored: stored ?? bits, isSigned: signed)
    }

    private func frame(_ segments: [[UInt8]], count: Int? = nil) -> [UInt8] {
        var header = B.u32(count ?? segments.count)
        var offset = 64
        for segment in segments { header += B.u32(offset); offset += segment.count }
        header += [UInt8](repeating: 0, count: 64 - header.count)
        return header + segments.flatMap { $0 }
    }

    private func problem(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return (error as? DICOMError)?.description ?? "\(error)" }
    }

    func testPackBitsRuns() {
        var plane = [UInt8](repeating: 0, count: 8)
        // Literal 2, no-op, repeat 3 × 7, literal 1, then a run past the plane (cut at 8 bytes).
        XCTAssertEqual(RLEFrameDecoder.expand([1, 10, 11, 0x80, 0xFE, 7, 0, 12, 0xFD, 5][...], into: &plane), 8)
        XCTAssertEqual(plane, [10, 11, 7, 7, 7, 12, 5, 5])
        var short = [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(RLEFrameDecoder.expand([3, 1, 2][...], into: &short), 2, "a literal cut off by the end copies what is there")
    }

    func testSixteenBitSignedSamplesMostSignificantSegmentFirst() throws {
        let high: [UInt8] = [3, 0xFF, 0x00, 0x80, 0x7F], low: [UInt8] = [3, 0xFF, 0x01, 0x00, 0xFF]
        let samples = try RLEFrameDecoder.decode(frame([high, low]), geometry: geometry(bits: 16, signed: true), source: "r.dcm")
        XCTAssertEqual(samples, .sixteen([0xFFFF, 0x0001, 0x8000, 0x7FFF]))
        // 12 bits stored, signed: bit 11 is the sign, bits above it are replaced by it.
        let twelve = try RLEFrameDecoder.decode(frame([[3, 0x0F, 0x08, 0xF7, 0x00], [3, 0xFF, 0x00, 0xFF, 0x01]]),
                                                geometry: geometry(bits: 16, stored: 12, signed: true), source: "r.dcm")
        XCTAssertEqual(twelve, .sixteen([0xFFFF, 0xF800, 0x07FF, 0x0001]))
    }

    func testColourSegmentsAreInterleaved() throws {
        let samples = try RLEFrameDecoder.decode(frame([[0xFF, 1], [0xFF, 2], [0xFF, 3]]),
                                                 geometry: geometry(rows: 1, columns: 2, samples: 3), source: "r.dcm")
        XCTAssertEqual(samples, .eight([1, 2, 3, 1, 2, 3]))
    }

    func testHeaderErrors() {
        let g = geometry()
        XCTAssertEqual(problem { _ = try RLEFrameDecoder.decode([1, 2, 3], geometry: g, source: "r.dcm") },
                       "r.dcm: truncated DICOM: RLE frame is 3 bytes, shorter than its 64-byte header")
        XCTAssertEqual(problem { _ = try RLEFrameDecoder.decode(self.frame([[0xFD, 1]], count: 16), geometry: g, source: "r.dcm") },
                       "r.dcm: damaged DICOM: RLE header lists 16 segments (at most 15)")
        XCTAssertEqual(problem { _ = try RLEFrameDecoder.decode(self.frame([[0xFD, 1], [0xFD, 1]]), geometry: g, source: "r.dcm") },
                       "r.dcm: damaged DICOM: RLE header lists 2 segments, 1 sample(s) of 8 bits need 1")
        var pastEnd = frame([[0xFD, 1]])
        pastEnd.replaceSubrange(4..<8, with: B.u32(1000))
        XCTAssertEqual(problem { _ = try RLEFrameDecoder.decode(pastEnd, geometry: g, source: "r.dcm") },
                       "r.dcm: damaged DICOM: RLE segment 0 offset 1000 lies outside the 66-byte frame")
        XCTAssertEqual(problem { _ = try RLEFrameDecoder.decode(self.frame([[0xFE, 1]]), geometry: g, source: "r.dcm") },
                       "r.dcm: damaged DICOM: RLE segment 0 decodes to 3 bytes, 4 expected")
    }
}
