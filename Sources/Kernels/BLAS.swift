import COpenBLAS

/// The one place the engine calls OpenBLAS (and the only C interop in this module).
/// Batched work — prompt prefill, the vision tower — multiplies many activation rows by
/// the same weights; there a dequantized weight block times an activation block is a
/// single-precision GEMM, which OpenBLAS does far faster than row-by-row dot products.
///
/// OpenBLAS runs single-threaded here: the engine spreads work over the cores itself
/// (`parallelFor`), and two thread pools on the same few cores — ours spinning between
/// jobs, OpenBLAS's spinning between calls — took turns stealing each other's cores
/// (about a fifth of all prefill cycles went to `sched_yield`). So every call below runs on
/// the calling thread, and the wide products split their columns over `parallelFor`.
private let blasIsSingleThreaded: Void = openblas_set_num_threads(1)

/// `C = A · Bᵀ` (or `C += A · Bᵀ` when `accumulate`), all row-major and dense:
/// `A` is `m × k` (e.g. m activation rows), `B` is `n × k` (e.g. n weight rows, as stored
/// in GGUF), `C` is `m × n`: `C[i][j] = Σ_p A[i][p] · B[j][p]`. Blocks of the longer
/// side's rows run on all cores.
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
    let ap = a.baseAddress!, bp = b.baseAddress!, cp = c.baseAddress!
    // Split the longer side: each block re-packs the whole of the other operand, so cutting
    // 4096 image rows × 1152 weights along the weights would pack the activations 8 times.
    if m > n {
        let blocks = columnBlocks(m, work: m * n * k)
        parallelFor(blocks) { block in
            let lo = m * block / blocks, hi = m * (block + 1) / blocks
            guard hi > lo else { return }
            sgemm(m: hi - lo, n: n, k: k, a: ap + lo * k, lda: k, b: bp, ldb: k, transposeB: true,
                  c: cp + lo * n, ldc: n, accumulate: accumulate)
        }
        return
    }
    let blocks = columnBlocks(n, work: m * n * k)
    parallelFor(blocks) { block in
        let lo = n * block / blocks, hi = n * (block + 1) / blocks
        guard hi > lo else { return }
        sgemm(m: m, n: hi - lo, k: k, a: ap, lda: k, b: bp + lo * k, ldb: k, transposeB: true,
              c: cp + lo, ldc: n, accumulate: accumulate)
    }
}

/// How many blocks a side of `n` rows of a product of `work` multiply-adds is split into: one per
/// ~2 M multiply-adds up to four per core (so a preempted core costs a quarter of its
/// share), and never blocks narrower than 16 columns.
func columnBlocks(_ n: Int, work: Int) -> Int {
    max(1, min(n / 16, WorkerThreads.count * 4, work / 2_000_000))
}

/// General single-precision GEMM on row-major strided matrices, on the calling thread:
/// `C[m×n] = op(A) · op(B)` (or `+=` with `accumulate`), where `op(B)` is `B` (`k × n`, row
/// stride `ldb`) or, with `transposeB`, `Bᵀ` for a stored `n × k` matrix, and `op(A)` is `A`
/// (`m × k`) or, with `transposeA`, `Aᵀ` for a stored `k × m` matrix (training's weight
/// gradients, sums over rows). Strides let callers multiply one head's slice of a wider
/// buffer (attention over a KV cache laid out `[position][kvHead][dim]`) or write one block
/// of a wider result.
public func sgemm(m: Int, n: Int, k: Int,
                  a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                  b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                  c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false) {
    precondition(m >= 0 && n >= 0 && k >= 0 && lda >= (transposeA ? m : k) && ldc >= n && ldb >= (transposeB ? k : n),
                 "sgemm: bad sizes or strides")
    precondition(max(m, n, k, lda, ldb, ldc) <= Int(Int32.max), "sgemm: size exceeds BLAS int")
    guard m > 0, n > 0, k > 0 else { return }
    _ = blasIsSingleThreaded
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k),
                1, a, blasint(lda), b, blasint(ldb), accumulate ? 1 : 0, c, blasint(ldc))
}

/// The CPU kernel OpenBLAS picked ("Haswell", "Cooperlake", …): `OPENBLAS_CORETYPE` overrides
/// its own detection, so this says which sgemm the dequantize-and-sgemm paths get.
public var blasCoreName: String {
    openblas_get_corename().map { String(cString: $0) } ?? "unknown"
}
