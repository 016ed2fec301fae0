import XCTest
@testable import GGUF

/// Block geometry of every supported ggml type, against the table in docs/ENGINE.md §1.5
/// (the same numbers as gguf-py's GGML_QUANT_SIZES).
final class GGMLTypeTests: XCTestCase {
    func testBlockGeometryMatchesTheSpec() {
        let spec: [(GGMLType, UInt32, Int, Int, String)] = [
            (.f32, 0, 1, 4, "F32"), (.f16, 1, 1, 2, "F16"), (.q4_0, 2, 32, 18, "Q4_0"), (.q4_1, 3, 32, 20, "Q4_1"),
            (.q5_0, 6, 32, 22, "Q5_0"), (.q5_1, 7, 32, 24, "Q5_1"), (.q8_0, 8, 32, 34, "Q8_0"), (.q8_1, 9, 32, 36, "Q8_1"),
            (.q2_K, 10, 256, 84, "Q2_K"), (.q3_K, 11, 256, 110, "Q3_K"), (.q4_K, 12, 256, 144, "Q4_K"),
            (.q5_K, 13, 256, 176, "Q5_K"), (.q6_K, 14, 256, 210, "Q6_K"), (.q8_K, 15, 256, 292, "Q8_K"),
            (.bf16, 30, 1, 2, "BF16"),
        ]
        XCTAssertEqual(spec.count, GGMLType.allCases.count)
        for (type, id, block, bytes, name) in spec {
            XCTAssertEqual(type.rawValue, id, name)
            XCTAssertEqual(type.blockSize, block, name)
            XCTAssertEqual(type.blockBytes, bytes, name)
            XCTAssertEqual(type.name, name)
            XCTAssertEqual(GGMLType.knownName(of: id), name)
        }
        XCTAssertEqual(GGMLType.q4_K.bitsPerWeight, 4.5)
        XCTAssertEqual(GGMLType.knownName(of: 16), "IQ2_XXS")
        XCTAssertNil(GGMLType.knownName(of: 999))
    }

    func testRowBytes() {
        XCTAssertEqual(GGMLType.q4_K.rowBytes(count: 512), 288)
        XCTAssertEqual(GGMLType.q8_0.rowBytes(count: 640), 680)
        XCTAssertEqual(GGMLType.f32.rowBytes(count: 0), 0)
        XCTAssertNil(GGMLType.q4_K.rowBytes(count: 100))
        XCTAssertNil(GGMLType.q8_0.rowBytes(count: -32))
        // Overflowing byte counts are nil, not a trap.
        XCTAssertNil(GGMLType.f32.rowBytes(count: 1 << 62))
        XCTAssertNil(GGMLType.q8_0.rowBytes(count: Int.max - 31))
    }
}
