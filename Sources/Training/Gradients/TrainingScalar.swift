import Foundation
import Kernels

/// The element type of the training kernels: `Float` for training, `Double` for the
/// finite-difference checks of the same code in the tests.
public protocol TrainingScalar: BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    /// `1 / (1 + e^(−x))`: for `Float` through the branch-free `fastExp`, so the loops
    /// over it vectorise (a few ulps from libm's), for `Double` exactly.
    static func logistic(_ x: Self) -> Self
    /// `C = op(A)·op(B)` (plus C when `accumulate`), row-major with leading dimensions:
    /// BLAS for `Float`, plain loops for `Double`.
    static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Self>, lda: Int, transposeA: Bool,
                     b: UnsafePointer<Self>, ldb: Int, transposeB: Bool, c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool)
}

extension Float: TrainingScalar {
    public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    public static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    public static func log(_ x: Float) -> Float { Foundation.log(x) }
    public static func cos(_ x: Float) -> Float { Foundation.cos(x) }
    public static func sin(_ x: Float) -> Float { Foundation.sin(x) }
    @inline(__always) public static func logistic(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                            b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        sgemm(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB, c: c, ldc: ldc,
              accumulate: accumulate)
    }
}

extension Double: TrainingScalar {
    public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    public static func log(_ x: Double) -> Double { Foundation.log(x) }
    public static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    public static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    public static func logistic(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
    public static func gemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, transposeA: Bool,
                            b: UnsafePointer<Double>, ldb: Int, transposeB: Bool, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        for i in 0..<m {
            for j in 0..<n {
                var s: Double = 0
                for p in 0..<k { s += a[transposeA ? p * lda + i : i * lda + p] * b[transposeB ? j * ldb + p : p * ldb + j] }
                c[i * ldc + j] = (accumulate ? c[i * ldc + j] : 0) + s
            }
        }
    }
}
