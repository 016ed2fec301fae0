import COpenBLAS

/// The one place the engine calls OpenBLAS (and the only C interop in this module).
/// Batched work — prompt prefill, the vision tower — multiplies many activation rows by
/// the same weights; there a dequantized weight block times an activation block is a
/// single-precision GEMM, which OpenBLAS does far faster than row-by-row dot products.

/// `C = A · Bᵀ` (or `C += A · Bᵀ` when `accumulate`), all row-major and dense:
/// `A` is `m × k` (e.g. m activation rows), `B` is `n × k` (e.g. n weight rows, as stored
/// in GGUF), `C` is `m × n`: `C[i][j] = Σ_p A[i][p] · B[j][p]`.
public func matmulTransposedB(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                              into c: UnsafeMutableBufferPointer<Float>,
                              m: Int, n: Int, k: Int, accumulate: Bool = false) {
    precondition(m >= 0 && n >= 0 && k >= 0, "matmulTransposedB: negative size")
    precondition(a.count == m * k && b.count == n * k && c.count == m * n,
                 "matmulTransposedB: A \(a.count) (want \(m * k)), B \(b.count) (want \(n * k)), C \(c.count) (want \(m * n))")
    precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max), "matmulTransposedB: size exceeds BLAS int")
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { c.initialize(repeating: 0) }
        return
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                blasint(m), blasint(n), blasint(k),
                1, a.baseAddress, blasint(k),
                b.baseAddress, blasint(k),
                accumulate ? 1 : 0, c.baseAddress, blasint(n))
}

/// General single-precision GEMM on row-major strided matrices:
/// `C[m×n] = A · op(B)`, where `op(B)` is `B` (`k × n`, row stride `ldb`) or, with
/// `transposeB`, `Bᵀ` for a stored `n × k` matrix. Strides let callers multiply one head's
/// slice of a wider buffer (attention over a KV cache laid out `[position][kvHead][dim]`).
public func sgemm(m: Int, n: Int, k: Int,
                  a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                  c: UnsafeMutablePointer<Float>, ldc: Int) {
    precondition(m >= 0 && n >= 0 && k >= 0 && lda >= k && ldc >= n && ldb >= (transposeB ? k : n),
                 "sgemm: bad sizes or strides")
    guard m > 0, n > 0, k > 0 else { return }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k),
                1, a, blasint(lda), b, blasint(ldb), 0, c, blasint(ldc))
}
