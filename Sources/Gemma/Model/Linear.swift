import Dispatch
import GGUF
import Kernels

/// `y[r] = W · x[r]` for `rows` activation rows against a stored weight matrix (G6).
///
/// One row (decode) takes the quantized mat-vec path: activations quantized once, integer
/// dot products, read each weight once. Several rows (prefill) dequantize the weight in tiles
/// of rows and hand each tile to OpenBLAS sgemm, so a weight row is dequantized once per
/// batch rather than once per token.
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
        let tileRows = max(16, min(m, LinearTuning.tileFloats / k))
        let tile = UnsafeMutableBufferPointer<Float>.allocate(capacity: tileRows * k)
        let product = UnsafeMutableBufferPointer<Float>.allocate(capacity: n * tileRows)
        defer { tile.deallocate(); product.deallocate() }
        let a = UnsafeBufferPointer(rebasing: xb[0..<(n * k)])
        var first = 0
        while first < m {
            let count = min(tileRows, m - first)
            // Dequantize the tile's rows across the cores.
            let chunks = min(count, 8)
            let tileFirst = first
            parallelFor(chunks) { c in
                let first = tileFirst
                let lo = first + count * c / chunks, hi = first + count * (c + 1) / chunks
                for r in lo..<hi {
                    let dst = UnsafeMutableBufferPointer(rebasing: tile[((r - first) * k)..<((r - first + 1) * k)])
                    dequantize(w.type, w.row(r), into: dst)
                }
            }
            let c = UnsafeMutableBufferPointer(rebasing: product[0..<(n * count)])
            matmulTransposedB(a, UnsafeBufferPointer(rebasing: tile[0..<(count * k)]), into: c, m: n, n: count, k: k)
            for r in 0..<n {
                let src = UnsafeBufferPointer(rebasing: c[(r * count)..<(r * count + count)])
                let dst = UnsafeMutableBufferPointer(rebasing: y[(r * m + first)..<(r * m + first + count)])
                _ = dst.initialize(from: src)
            }
            first += count
        }
    }
}

/// Where the batched path takes over, and how much weight is dequantized at a time.
enum LinearTuning {
    /// Below this many rows, mat-vec per row is faster than dequantize + sgemm.
    static let batchThreshold = 4
    /// Floats per dequantized tile (4 MB): stays in L2/L3 while sgemm runs over it.
    static let tileFloats = 1 << 20
}
