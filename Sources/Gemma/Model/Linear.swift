import Dispatch
import GGUF
import Kernels

/// `y[r] = W · x[r]` for `rows` activation rows against a stored weight matrix (G6).
///
/// One row (decode) takes the quantized mat-vec path: activations quantized once, integer
/// dot products, read each weight once. Several rows (prefill) take the quantized matrix
/// kernels where the CPU has them (`quantizedMatmul`), and otherwise dequantize the weight in
/// tiles of rows and hand each tile to OpenBLAS sgemm, so a weight row is dequantized once
/// per batch rather than once per token.
func linear(precision: GemmaModel.Precision = .fast, _ w: GGUFTensor, _ x: [Float], rows n: Int, into y: inout [Float]) {
    y.withUnsafeMutableBufferPointer { linear(precision: precision, w, x, rows: n, into: $0) }
}

/// With `.reference` precision every row count takes the dequantize + f32 sgemm path.
func linear(precision: GemmaModel.Precision = .fast, _ w: GGUFTensor, _ x: [Float], rows n: Int, into y: UnsafeMutableBufferPointer<Float>) {
    let k = w.info.rowLength, m = w.info.rowCount
    precondition(x.count >= n * k && y.count >= n * m, "linear: buffers too small for \(w.name)")
    x.withUnsafeBufferPointer { xb in
        if n < LinearTuning.batchThreshold && precision == .fast {
            for r in 0..<n {
                matVec(w, UnsafeBufferPointer(rebasing: xb[(r * k)..<(r * k + k)]),
                       into: UnsafeMutableBufferPointer(rebasing: y[(r * m)..<(r * m + m)]))
            }
            return
        }
        // Quantized weights on a CPU with matrix kernels: integer products on the stored blocks.
        if precision == .fast, quantizedMatmul(w, xb.baseAddress!, rows: n, into: y.baseAddress!) { return }
        // Otherwise blocks of weight rows spread over the cores; each block is dequantized into its
        // own tile and multiplied by all activation rows, written straight into its columns
        // of `y` (row stride m). No barrier between dequantizing and multiplying.
        let tilesNeeded = (m * k + LinearTuning.tileFloats - 1) / LinearTuning.tileFloats
        let blocks = max(1, min(m / LinearTuning.minimumBlockRows, WorkerThreads.count * 4), tilesNeeded)
        let xp = xb.baseAddress!, yp = y.baseAddress!
        parallelFor(blocks) { block in
            let lo = m * block / blocks, hi = m * (block + 1) / blocks
            guard hi > lo else { return }
            let tile = UnsafeMutableBufferPointer<Float>.allocate(capacity: (hi - lo) * k)
            defer { tile.deallocate() }
            for r in lo..<hi {
                dequantize(w.type, w.row(r), into: UnsafeMutableBufferPointer(rebasing: tile[((r - lo) * k)..<((r - lo + 1) * k)]))
            }
            sgemm(m: n, n: hi - lo, k: k, a: xp, lda: k, b: tile.baseAddress!, ldb: k, transposeB: true,
                  c: yp + lo, ldc: m)
        }
    }
}

/// Where the batched path takes over, and how much weight is dequantized at a time.
enum LinearTuning {
    /// Below this many rows, mat-vec per row is faster than dequantize + sgemm.
    static let batchThreshold = 4
    /// At most this many floats per dequantized tile (4 MB), so a tile stays in L2/L3
    /// while sgemm runs over it; wider matrices get more, smaller blocks.
    static let tileFloats = 1 << 20
    /// Blocks narrower than this make sgemm re-pack the activations too often.
    static let minimumBlockRows = 32
}
