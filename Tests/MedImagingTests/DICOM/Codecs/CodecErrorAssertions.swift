@testable import MedImaging
import XCTest

/// Runs a frame decoder on hostile input: it must throw a one-line `DICOMError` naming the
/// source, never succeed, crash or hang.
enum CodecErrorAssertions {
    typealias Decode = ([UInt8], DICOMFrameGeometry, String) throws(DICOMError) -> PixelSamples

    @discardableResult
    static func expectError(_ decode: Decode, _ bytes: [UInt8], _ geometry: DICOMFrameGeometry, source: String = "hostile.dcm",
                            _ message: String = "", file: StaticString = #filePath, line: UInt = #line) -> DICOMError? {
        do {
            _ = try decode(bytes, geometry, source)
            XCTFail("decoding succeeded but should have failed \(message)", file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(source + ": "), "does not name the source: \(error)", file: file, line: line)
            return error
        }
    }

    /// A copy of `geometry` with some fields changed.
    static func geometry(_ g: DICOMFrameGeometry, rows: Int? = nil, columns: Int? = nil, samples: Int? = nil,
                         bitsAllocated: Int? = nil, bitsStored: Int? = nil) -> DICOMFrameGeometry {
        DICOMFrameGeometry(rows: rows ?? g.rows, columns: columns ?? g.columns, samplesPerPixel: samples ?? g.samplesPerPixel,
                           bitsAllocated: bitsAllocated ?? g.bitsAllocated, bitsStored: bitsStored ?? min(g.bitsStored, bitsAllocated ?? 16),
                           isSigned: g.isSigned)
    }

    /// The offset of the first marker FF `code` at or after `from`.
    static func marker(_ code: UInt8, in bytes: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return (from..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == code }
    }
}
