import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The bf16 panel layout of `avx512BF16MatmulPanel` from each source, bit for bit against
/// `bf16Bits` (TestSupport): per pair step, lane r of the panel holds row r's (even, odd)
/// values, zeros past the matrix and after an odd row length's last value (F16 weights: then
/// lane 32 + r the same for the remainders).
final class BF16WeightPanelsTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16 && KernelPath.supported.contains(.avx512vnni),
                          "this CPU has no AVX-512 BF16: the bf16 panels are never packed here")
    }

    /// Stored weights: BF16 copied; F16 split, each pair step the values rounded to nearest
    /// even through their f32 value (hi, words 0…31) and then the remainders (lo = w − hi
    /// rounded, words 32…63). Row lengths over several packing blocks of 128 steps, odd ones,
    /// partial last panels.
    func testWeightPanelLayout() {
        var rng = SplitMix64(seed: 5)
        for (rows, columns) in [(37, 9), (40, 601), (8, 256), (33, 514)] {
            for type in [GGMLType.f16, .bf16] {
                let (bytes, values) = randomWeights(type, count: rows * columns, rng: &rng)
                let panels = bytes.withUnsafeBytes { BF16WeightPanels($0.baseAddress!, type: type, rowCount: rows, rowLength: columns) }
                XCTAssertEqual(panels.count, (rows + 31) / 32)
                XCTAssertEqual(panels.pairs, (columns + 1) / 2)
                XCTAssertEqual(panels.split, type == .f16)
                XCTAssertEqual(panels.stepBytes, type == .f16 ? 256 : 128)
                let stepWords = panels.stepBytes / 4
                for p in 0..<panels.count {
                    let lanes = panels.panel(p).assumingMemoryBound(to: UInt32.self)
                    for s in 0..<panels.pairs {
                        for r in 0..<32 {
                            let row = 32 * p + r
                            func w(_ k: Int) -> Float { row < rows && k < columns ? values[row * columns + k] : 0 }
                            func hi(_ k: Int) -> UInt32 { UInt32(bf16Bits(w(k))) }
                            func lo(_ k: Int) -> UInt32 { UInt32(bf16Bits(w(k) - bf16Rounded(w(k)))) }
                            let where_ = "\(type) \(rows)×\(columns) panel \(p) step \(s) row \(r)"
                            let got = lanes[s * stepWords + r]
                            if got != hi(2 * s) | hi(2 * s + 1) << 16 { XCTFail(where_ + ": hi \(got)"); return }
                            if type == .f16 {
                                let got = lanes[s * stepWords + 32 + r]
                                if got != lo(2 * s) | lo(2 * s + 1) << 16 { XCTFail(where_ + ": lo \(got)"); return }
                            }
                        }
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
