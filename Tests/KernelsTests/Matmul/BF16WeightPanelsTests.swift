import GGUF
import TestSupport
import XCTest
@testable import Kernels

/// The bf16 panel layout of `avx512BF16MatmulPanel`, bit for bit against
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
}
