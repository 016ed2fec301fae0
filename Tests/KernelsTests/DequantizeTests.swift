import GGUF
import TestSupport
import XCTest
@testable import Kernels

final class DequantizeTests: XCTestCase {
    /// Every fixture case — real rows of the 270m file, gguf-py-quantized rows and random
    /// block bytes — must dequantize to gguf-py's values bit for bit. No tolerance: each
    /// value is one or two float roundings of small integers and f16 scales, evaluated in
    /// the same order as ggml and gguf-py (no FMA), so any difference is a bug.
    func testEveryCaseMatchesGGUFPyBitForBit() throws {
        let fixtures = try QuantFixtures.load()
        var typesSeen = Set<GGMLType>()
        for c in fixtures.dequant {
            let type = try XCTUnwrap(GGMLType(ggmlName: c.type), c.type)
            typesSeen.insert(type)
            let raw = try QuantFixtures.bytes(c.blocks)
            let want = try QuantFixtures.floats(c.values)
            XCTAssertEqual(raw.count, type.rowBytes(count: c.columns)! * c.rows, c.name)
            XCTAssertEqual(want.count, c.rows * c.columns, c.name)
            let got = raw.withUnsafeBytes { dequantize(type, $0) }
            XCTAssertEqual(got.count, want.count, c.name)
            var bad = 0
            for i in 0..<min(got.count, want.count) where got[i].bitPattern != want[i].bitPattern {
                bad += 1
                if bad <= 5 { XCTFail("\(c.name) (\(c.source)) value \(i): got \(got[i]), gguf-py \(want[i])") }
            }
            XCTAssertEqual(bad, 0, "\(c.name): \(bad) values differ")
        }
        XCTAssertEqual(typesSeen, Set(GGMLType.allCases), "fixtures should cover every type")
    }

    /// Row-wise dequantization into a caller's buffer gives the same as the whole.
    func testRowsAndPartialBuffers() throws {
        let fixtures = try QuantFixtures.load()
        let c = try XCTUnwrap(fixtures.dequantCase("random_q4_k"))
        let raw = try QuantFixtures.bytes(c.blocks)
        let want = try QuantFixtures.floats(c.values)
        let rowBytes = GGMLType.q4_K.rowBytes(count: c.columns)!
        var out = [Float](repeating: .nan, count: c.columns)
        for r in 0..<c.rows {
            raw.withUnsafeBytes { bytes in
                out.withUnsafeMutableBufferPointer {
                    dequantize(.q4_K, UnsafeRawBufferPointer(rebasing: bytes[(r * rowBytes)..<((r + 1) * rowBytes)]), into: $0)
                }
            }
            XCTAssertEqual(out, Array(want[(r * c.columns)..<((r + 1) * c.columns)]))
        }
    }

    /// Whole tensors of each type in the real 270m file against gguf-py's checksums.
    func testWholeRealTensorsMatchChecksums() throws {
        let path = try TestEnvironment.defaultModel()
        let fixtures = try QuantFixtures.load()
        let file = try GGUFFile(path: path)
        XCTAssertFalse(fixtures.modelChecksums.isEmpty)
        for sum in fixtures.modelChecksums {
            let tensor = try file.requireTensor(sum.tensor)
            XCTAssertEqual(tensor.type.name, sum.type)
            let values = dequantize(tensor: tensor)
            XCTAssertEqual(values.count, sum.count, sum.tensor)
            let hash = values.withUnsafeBufferPointer(fixtureHash)
            XCTAssertEqual(String(format: "%016llx", hash), sum.hash, "\(sum.tensor) (\(sum.type)) checksum")
            let total = values.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(total, sum.sum, accuracy: 1e-9 * max(1, abs(sum.sum)) + 1e-6, sum.tensor)
        }
        // dequantizeRow agrees with the whole-tensor path.
        let embd = try file.requireTensor("token_embd.weight")
        let row = dequantizeRow(tensor: embd, row: 1000)
        XCTAssertEqual(row.count, embd.info.rowLength)
        let real = try XCTUnwrap(fixtures.dequantCase("real_token_embd"))
        let want = try QuantFixtures.floats(real.values)
        XCTAssertEqual(row, Array(want[real.columns..<(2 * real.columns)]), "row 1000 is the fixture's second row")
    }
}
