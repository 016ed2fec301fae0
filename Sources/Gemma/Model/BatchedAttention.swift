import Foundation
import Kernels

/// Where prompt batches switch from per-query loops to matrix products.
enum AttentionTuning {
    static let batchedRows = 32
}

extension GemmaModel {
    /// Attention for a batch of queries as two matrix products per head (T9 with the M1–M3
    /// masks): scores `S = Q_h · K_gᵀ` over the keys any query of the batch may see, masked
    /// rows softmaxed in f32, then `O_h = P · V_g`. Same equations as the per-query loop;
    /// OpenBLAS does the arithmetic.
    func batchedAttention(layer l: Int, queries: [Float], rows n: Int, start: Int, causal: Bool,
                          cache: KVCache, into out: inout [Float]) {
        let c = config
        let qDim = c.headCount * c.headDim, kvDim = c.kvHeadCount * c.headDim, D = c.headDim
        let group = c.headCount / c.kvHeadCount
        let window = c.isGlobal(layer: l) || c.slidingWindow <= 0 ? Int.max : c.slidingWindow
        let end = start + n
        // Keys the first query may see start here; later queries see no earlier key.
        let keyStart = window == Int.max ? 0 : max(0, start - window + 1)
        let keyCount = end - keyStart
        let keys = cache.keys[l] + keyStart * kvDim, values = cache.values[l] + keyStart * kvDim
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * keyCount)
        let head = UnsafeMutablePointer<Float>.allocate(capacity: n * D)
        let result = UnsafeMutablePointer<Float>.allocate(capacity: n * D)
        defer { scores.deallocate(); head.deallocate(); result.deallocate() }
        queries.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                for h in 0..<c.headCount {
                    let g = h / group
                    for i in 0..<n {
                        (head + i * D).update(from: qb.baseAddress! + i * qDim + h * D, count: D)
                    }
                    sgemm(m: n, n: keyCount, k: D, a: head, lda: D, b: keys + g * D, ldb: kvDim, transposeB: true,
                          c: scores, ldc: keyCount)
                    let chunks = min(n, WorkerThreads.count * 4)
                    parallelFor(chunks) { chunk in
                        for i in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                            let pos = start + i
                            let last = causal ? pos : end - 1
                            let first = window == Int.max ? 0 : max(0, pos - window + 1)
                            let row = scores + i * keyCount
                            let lo = first - keyStart, hi = last - keyStart
                            var m = -Float.infinity
                            for j in lo...hi { m = max(m, row[j]) }
                            var sum: Float = 0
                            for j in 0..<keyCount {
                                if j < lo || j > hi { row[j] = 0; continue }
                                let e = expf(row[j] - m)
                                row[j] = e
                                sum += e
                            }
                            let inv = 1 / sum
                            for j in lo...hi { row[j] *= inv }
                        }
                    }
                    sgemm(m: n, n: D, k: keyCount, a: scores, lda: keyCount, b: values + g * D, ldb: kvDim, transposeB: false,
                          c: result, ldc: D)
                    for i in 0..<n {
                        (ob.baseAddress! + i * qDim + h * D).update(from: result + i * D, count: D)
                    }
                }
            }
        }
    }
}
