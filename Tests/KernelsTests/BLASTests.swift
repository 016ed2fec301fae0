import XCTest
@testable import Kernels

final class BLASTests: XCTestCase {
    /// OpenBLAS against a naive triple loop in Double, for odd sizes (no multiple of any
    /// SIMD width) and the accumulate form. Tolerance: OpenBLAS sums k products in Float,
    /// so the error is a few k·2⁻²⁴ of Σ|a·b| at worst; 1e-5 relative is generous for k ≤ 300.
    func testMatmulTransposedBMatchesNaiveLoop() {
        var g = SplitMix(seed: 7)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 300), (64, 40, 129)] {
            let a = (0..<(m * k)).map { _ in g.nextGaussian() }
            let b = (0..<(n * k)).map { _ in g.nextGaussian() }
            let c0 = (0..<(m * n)).map { _ in g.nextGaussian() }
            for accumulate in [false, true] {
                var c = c0
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { matmulTransposedB(ap, bp, into: $0, m: m, n: n, k: k, accumulate: accumulate) }
                    }
                }
                for i in 0..<m {
                    for j in 0..<n {
                        var s = accumulate ? Double(c0[i * n + j]) : 0, mag = abs(s)
                        for p in 0..<k {
                            s += Double(a[i * k + p]) * Double(b[j * k + p])
                            mag += abs(Double(a[i * k + p]) * Double(b[j * k + p]))
                        }
                        XCTAssertEqual(Double(c[i * n + j]), s, accuracy: 1e-5 * mag + 1e-30,
                                       "(\(m)×\(k))·(\(n)×\(k))ᵀ accumulate=\(accumulate) at [\(i)][\(j)]")
                    }
                }
            }
        }
    }

    func testEmptyInnerDimensionZeroesOrKeeps() {
        var c: [Float] = [1, 2]
        c.withUnsafeMutableBufferPointer {
            matmulTransposedB(UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0),
                              into: $0, m: 1, n: 2, k: 0, accumulate: true)
        }
        XCTAssertEqual(c, [1, 2])
        c.withUnsafeMutableBufferPointer {
            matmulTransposedB(UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0),
                              into: $0, m: 1, n: 2, k: 0)
        }
        XCTAssertEqual(c, [0, 0])
    }
}
