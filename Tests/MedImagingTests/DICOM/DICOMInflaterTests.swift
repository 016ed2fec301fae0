@testable import MedImaging
import XCTest

/// The zlib-backed raw DEFLATE wrapper on hand-built streams (RFC 1951 block formats): its output limit
/// against deflate bombs and its truncation report. Dynamic-Huffman
/// blocks from zlib are covered by the pydicom-written deflated fixture in DICOMDecoderTests.
final class DICOMInflaterTests: XCTestCase {
    func testStoredBlocks() throws {
        let data: [UInt8] = Array("stored, not compressed".utf8)
        let length = data.count
        // A non-final stored block, then a final empty stored block.
        let stream: [UInt8] = [0x00, UInt8(length), 0, ~UInt8(length), 0xFF] + data + [0x01, 0, 0, 0xFF, 0xFF]
        XCTAssertEqual(try DICOMInflater.inflate([9, 9] + stream, from: 2, limit: 1000), data)
        XCTAssertThrowsError(try DICOMInflater.inflate(stream, from: 0, limit: 5)) { error in
            XCTAssertEqual(error as? DICOMInflater.Failure, .tooLarge)
        }
    }

    func testFixedHuffmanBackReferences() throws {
        let inflated = try DICOMInflater.inflate(DICOMDeflateBomb.zeros(matches: 100), from: 0, limit: 1 << 20)
        XCTAssertEqual(inflated, [UInt8](repeating: 0, count: 1 + 258 * 100))
        XCTAssertThrowsError(try DICOMInflater.inflate(DICOMDeflateBomb.zeros(matches: 100), from: 0, limit: 1000)) { error in
            XCTAssertEqual(error as? DICOMInflater.Failure, .tooLarge)
        }
    }

    func testEveryTruncationFails() {
        let stream = DICOMDeflateBomb.zeros(matches: 20)
        for length in 0..<stream.count {
            XCTAssertThrowsError(try DICOMInflater.inflate(Array(stream.prefix(length)), from: 0, limit: 1 << 20)) { error in
                XCTAssertEqual(error as? DICOMInflater.Failure, .truncated, "cut at \(length)")
            }
        }
    }
}
