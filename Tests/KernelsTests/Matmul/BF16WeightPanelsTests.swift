import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The bf16 panel layout of `avx512BF16MatmulPanel` from each source, bit for bit against
/// `bf16Bits` (TestSupport): per pair step, lane r of the panel holds row r's (even, odd)
/// values, zeros past the matrix and after an odd row length's last value.
final class BF16WeightPanelsTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16 && KernelPath.supported.contains(.avx512vnni),
                          "this CPU has no AVX-512 BF16: the bf16 panels are never packed here")
    }

    /// Stored weights: F16 ones rounded to nearest even through their f32 value, BF16 copied.
    func testWeightPanelLayout() {
        var rng = SplitMix64(seed: 5)
        let rows = 37, columns = 9
        for type in [GGMLType.f16, .bf16] {
            let (bytes, values) = randomWeights(type, count: rows * columns, rng: &rng)
            let panels = bytes.withUnsafeBytes { BF16WeightPanels($0.baseAddress!, type: type, rowCount: rows, rowLength: columns) }
            XCTAssertEqual(panels.count, 2)
            XCTAssertEqual(panels.pairs, 5)
            for p in 0..<panels.count {
                let lanes = panels.panel(p).assumingMemoryBound(to: UInt32.self)
                for s in 0..<panels.pairs {
                    for r in 0..<32 {
                        let row = 32 * p + r
                        func value(_ k: Int) -> UInt32 {
                            row < rows && k < columns ? UInt32(bf16Bits(values[row * columns + k])) : 0
                        }
                        XCTAssertEqual(lanes[s * 32 + r], value(2 * s) | value(2 * s + 1) << 16, "\(type) panel \(p) step \(s) row \(r)")
                    }
                }
            }
        }
    }
    /// f32 rows with a stride (one head's keys): rows of `columns` values `stride` apart, packed
    /// a range of panels at a time; odd lengths, a partial last panel, all 16 × 16 transpose
    /// blocks and the word-by-word rest.
    func testFloatRowsPackAsTheirBF16Values() {
        var rng = SplitMix64(seed: 11)
        for (rows, columns, stride) in [(37, 9, 12), (64, 72, 1152), (5, 33, 40), (100, 72, 73), (1, 1, 1)] {
            let x = (0..<(rows * stride)).map { _ in rng.nextGaussian() * 4 }
            let panels = BF16WeightPanels(rowCount: rows, rowLength: columns)
            x.withUnsafeBufferPointer { xb in
                // Two calls, as the attention's jobs split the panels.
                let half = panels.count / 2
                panels.packRows(xb.baseAddress!, stride: stride, panels: half..<panels.count)
                panels.packRows(xb.baseAddress!, stride: stride, panels: 0..<half)
            }
            XCTAssertEqual(panels.count, (rows + 31) / 32)
            XCTAssertEqual(panels.pairs, (columns + 1) / 2)
            for p in 0..<panels.count {
                let lanes = panels.panel(p).assumingMemoryBound(to: UInt32.self)
                for s in 0..<panels.pairs {
                    for r in 0..<32 {
                        let row = 32 * p + r
                        func value(_ k: Int) -> UInt32 { row < rows && k < columns ? UInt32(bf16Bits(x[row * stride + k])) : 0 }
                        XCTAssertEqual(lanes[s * 32 + r], value(2 * s) | value(2 * s + 1) << 16,
                                       "\(rows)×\(columns) panel \(p) step \(s) row \(r)")
                    }
                }
            }
        }
    }

    /// The transpose of f32 rows (one head's values): panel row d is column d of the source,
    /// pair step s its rows 2s and 2s+1 (a zero row past an odd count), packed a range of
    /// steps at a time.
    func testFloatColumnsPackAsTheTranspose() {
        var rng = SplitMix64(seed: 13)
        for (sourceRows, columns, stride) in [(9, 37, 40), (4096, 72, 1152), (33, 5, 5), (144, 16, 32), (1, 1, 1)] {
            let x = (0..<(sourceRows * stride)).map { _ in rng.nextGaussian() * 4 }
            // The panels' rows are the source's columns, their length its rows.
            let panels = BF16WeightPanels(rowCount: columns, rowLength: sourceRows)
            x.withUnsafeBufferPointer { xb in
                let third = panels.pairs / 3
                panels.packColumns(xb.baseAddress!, stride: stride, steps: third..<panels.pairs)
                panels.packColumns(xb.baseAddress!, stride: stride, steps: 0..<third)
            }
            XCTAssertEqual(panels.count, (columns + 31) / 32)
            XCTAssertEqual(panels.pairs, (sourceRows + 1) / 2)
            for p in 0..<panels.count {
                let lanes = panels.panel(p).assumingMemoryBound(to: UInt32.self)
                for s in 0..<panels.pairs {
                    for r in 0..<32 {
                        let column = 32 * p + r
                        func value(_ j: Int) -> UInt32 { column < columns && j < sourceRows ? UInt32(bf16Bits(x[j * stride + column])) : 0 }
                        let got = lanes[s * 32 + r], expected = value(2 * s) | value(2 * s + 1) << 16
                        if got != expected {
                            XCTFail("\(sourceRows)×\(columns) panel \(p) step \(s) row \(r): \(got) vs \(expected)")
                            return
                        }
                    }
                }
            }
        }
    }
}
