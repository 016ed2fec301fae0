import TestSupport
import XCTest
@testable import Kernels

final class BLASTests: XCTestCase {
    /// OpenBLAS against a naive triple loop in Double, for odd sizes (no multiple of any
    /// SIMD width) and the accumulate form. Tolerance: OpenBLAS sums k products in Float,
    /// so the error is a few k·2⁻²⁴ of Σ|a·b| at worst; 1e-5 relative is generous for k ≤ 300.
    /// The last two sizes are split into several blocks over the cores, along the weights
    /// and along the activation rows.
    func testMatmulTransposedBMatchesNaiveLoop() {
        var g = SplitMix64(seed: 7)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 300), (64, 40, 129), (33, 2001, 211), (2001, 33, 211)] {
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

/// The strided `sgemm` used by batched attention, against a naive triple loop.
final class StridedSGEMMTests: XCTestCase {
    func testStridedProductsWithAndWithoutTranspose() {
        let m = 5, n = 7, k = 3
        // A is m × k inside rows of 4; B stored n × k (transposed use) inside rows of 6, or k × n inside rows of 9.
        let lda = 4, ldbT = 6, ldb = 9, ldc = 8
        let a = (0..<(m * lda)).map { Float(($0 * 37) % 11) - 5 }
        let bT = (0..<(n * ldbT)).map { Float(($0 * 13) % 7) - 3 }
        let b = (0..<(k * ldb)).map { Float(($0 * 17) % 9) - 4 }
        var c = [Float](repeating: .nan, count: m * ldc)
        sgemm(m: m, n: n, k: k, a: a, lda: lda, b: bT, ldb: ldbT, transposeB: true, c: &c, ldc: ldc)
        for i in 0..<m { for j in 0..<n {
            let want = (0..<k).reduce(Float(0)) { $0 + a[i * lda + $1] * bT[j * ldbT + $1] }
            XCTAssertEqual(c[i * ldc + j], want, "transposed (\(i), \(j))")
        } }
        sgemm(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, transposeB: false, c: &c, ldc: ldc)
        for i in 0..<m { for j in 0..<n {
            let want = (0..<k).reduce(Float(0)) { $0 + a[i * lda + $1] * b[$1 * ldb + j] }
            XCTAssertEqual(c[i * ldc + j], want, "plain (\(i), \(j))")
        } }
    }
}
