import Foundation
import Kernels
import TestSupport
import XCTest
#if arch(x86_64)
import KernelsAVX512
#endif

/// The bf16 softmax of the vision tower's attention against float64: every weight within
/// bf16's rounding (2⁻⁸ relative, plus the polynomial's ~2e-7) of `exp(scale·(s − max))`,
/// zeros in the padding, and the returned factor exactly 1 / Σ of the weights as stored.
final class AVX512SoftmaxTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(CPUFeatures.avx512BF16, "this CPU has no AVX-512 BF16")
    }

    /// Lengths around the 16- and 32-value vectors and the 64-value max loop; scales from
    /// flat to sharply peaked (weights down to the underflow of exp).
    func testWeightsAreRoundedExponentials() {
        #if arch(x86_64)
        var rng = SplitMix64(seed: 21)
        for n in [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 144, 4096] {
            for scale: Float in [0.01, 1 / Float(72).squareRoot(), 1, 8] {
                let s = (0..<n).map { _ in rng.nextGaussian() * 6 }
                let padded = n + 1 + n % 3
                var out = [UInt16](repeating: 0xFFFF, count: padded)
                let inverse = avx512SoftmaxToBF16(s, count: n, scale: scale, into: &out, paddedCount: padded)
                let top = Double(s.max()!)
                var sum = 0.0
                for j in 0..<n {
                    let exact = exp(Double(scale) * (Double(s[j]) - top)), got = Double(bf16Value(out[j]))
                    sum += got
                    // Weights below the smallest normal float are flushed to zero.
                    let ok = abs(got - exact) <= (0x1p-8 + 1e-6) * exact || (exact < 0x1p-125 && got == 0)
                    XCTAssertTrue(ok, "n \(n) scale \(scale) weight \(j): \(got) vs \(exact)")
                }
                XCTAssertEqual(bf16Value(out[s.firstIndex(of: s.max()!)!]), 1, "n \(n): the largest score's weight is 1")
                XCTAssertTrue(out[n...].allSatisfy { $0 == 0 }, "n \(n): padding is zero")
                XCTAssertEqual(Double(inverse) * sum, 1, accuracy: 1e-6, "n \(n) scale \(scale)")
            }
        }
        #endif
    }
}
