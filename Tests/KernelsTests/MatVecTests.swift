import GGUF
import TestSupport
import XCTest
@testable import Kernels

final class MatVecTests: XCTestCase {
    /// Reference for one row: the dequantized weights (exact, checked against gguf-py in
    /// DequantizeTests) times the dequantized activation blocks, summed in Double.
    private func naive(_ weights: [Float], _ activations: [Float]) -> (value: Double, magnitude: Double) {
        var s = 0.0, m = 0.0
        for (w, a) in zip(weights, activations) {
            s += Double(w) * Double(a)
            m += abs(Double(w) * Double(a))
        }
        return (s, m)
    }

    private func dequantizedActivations(_ q: QuantizedActivations) -> [Float] {
        q.withUnsafeBytes { dequantize(q.format.storageType, $0) }
    }

    /// Rows of every fixture type repeated into a matrix tall enough to be split into many
    /// chunks across threads; each output must match its row's naive reference.
    func testThreadedMatVecMatchesNaiveDot() throws {
        let fixtures = try QuantFixtures.load()
        let random = try XCTUnwrap(fixtures.activations.first { $0.name == "random" })
        let xAll = try QuantFixtures.floats(random.input)
        for dotCase in fixtures.dots where dotCase.case.hasPrefix("random_") || dotCase.case.hasPrefix("quantized_") {
            let c = try XCTUnwrap(fixtures.dequantCase(dotCase.case))
            let type = try XCTUnwrap(GGMLType(ggmlName: c.type))
            let raw = try QuantFixtures.bytes(c.blocks)
            let values = try QuantFixtures.floats(c.values)
            let rowBytes = type.rowBytes(count: c.columns)!
            let x = Array(xAll[0..<c.columns])
            let q = QuantizedActivations(x, for: type)
            let a = q.format == .f32 ? x : dequantizedActivations(q)
            let rowCount = 300
            var matrix = [UInt8]()
            for r in 0..<rowCount {
                let src = r % dotCase.rows
                matrix += raw[(src * rowBytes)..<((src + 1) * rowBytes)]
            }
            XCTAssertGreaterThan(RowChunking(rowCount: rowCount, rowLength: c.columns, cores: 2).chunks, 1)
            var y = [Float](repeating: .nan, count: rowCount)
            matrix.withUnsafeBytes { m in
                x.withUnsafeBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { matVec(rows: m, type: type, rowCount: rowCount, rowLength: c.columns, x: xb, into: $0) }
                }
            }
            for r in 0..<rowCount {
                let src = r % dotCase.rows
                let ref = naive(Array(values[(src * c.columns)..<((src + 1) * c.columns)]), a)
                // Q*_1 weights: the f16 activation sums add up to |m·s|·2⁻¹¹ per block (DotProductTests).
                let tolerance = q.format == .q8_1 ? 1e-3 : 1e-5
                XCTAssertEqual(Double(y[r]), ref.value, accuracy: tolerance * ref.magnitude, "\(c.name) row \(r)")
            }
        }
    }

    func testChunkingCoversEveryRowOnce() {
        for (rows, length, cores) in [(1, 640, 2), (7, 64, 2), (1000, 640, 2), (262_144, 640, 16), (513, 2048, 3)] {
            let plan = RowChunking(rowCount: rows, rowLength: length, cores: cores)
            var covered = 0, next = 0
            for c in 0..<plan.chunks {
                let r = plan.range(c)
                XCTAssertEqual(r.lowerBound, next)
                XCTAssertFalse(r.isEmpty)
                next = r.upperBound
                covered += r.count
            }
            XCTAssertEqual(covered, rows)
            XCTAssertLessThanOrEqual(plan.chunks, max(1, cores * RowChunking.chunksPerCore))
        }
    }

    /// Real projection matrices of the 270m file (Q5_0, Q4_K, Q6_K, Q8_0) against the naive
    /// dequantized reference.
    func testRealTensors() throws {
        let path = try TestEnvironment.defaultModel()
        let file = try GGUFFile(path: path)
        for name in ["blk.0.attn_q.weight", "blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.0.attn_v.weight"] {
            let w = try file.requireTensor(name)
            let n = w.info.rowLength, rows = w.info.rowCount
            var generator = SplitMix64(seed: UInt64(n * 31 + rows))
            let x = (0..<n).map { _ in generator.nextGaussian() }
            var y = [Float](repeating: .nan, count: rows)
            x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { matVec(w, xb, into: $0) } }
            let a = dequantizedActivations(QuantizedActivations(x, for: w.type))
            let weights = dequantize(tensor: w)
            for r in 0..<rows {
                let ref = naive(Array(weights[(r * n)..<((r + 1) * n)]), a)
                XCTAssertEqual(Double(y[r]), ref.value, accuracy: 1e-5 * ref.magnitude, "\(name) row \(r)")
            }
        }
    }
}
