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
        queries.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                let qp = qb.baseAddress!, op = ob.baseAddress!
                // One head per job; each reads its query columns and writes its output
                // columns in place (row stride qDim), with its own score matrix.
                parallelFor(c.headCount) { h in
                    let g = h / group
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * keyCount)
                    defer { scores.deallocate() }
                    sgemm(m: n, n: keyCount, k: D, a: qp + h * D, lda: qDim, b: keys + g * D, ldb: kvDim, transposeB: true,
                          c: scores, ldc: keyCount)
                    for i in 0..<n {
                        let pos = start + i
                        let last = causal ? pos : end - 1
                        let first = window == Int.max ? 0 : max(0, pos - window + 1)
                        softmaxRow(scores + i * keyCount, count: keyCount, visible: (first - keyStart)...(last - keyStart))
                    }
                    sgemm(m: n, n: D, k: keyCount, a: scores, lda: keyCount, b: values + g * D, ldb: kvDim, transposeB: false,
                          c: op + h * D, ldc: qDim)
                }
            }
        }
    }
}

/// Softmax of one score row over its `visible` keys; every other entry becomes 0, so the
/// following `P · V` product ignores masked keys.
private func softmaxRow(_ row: UnsafeMutablePointer<Float>, count: Int, visible: ClosedRange<Int>) {
    var m = -Float.infinity
    for j in visible { m = max(m, row[j]) }
    var sum: Float = 0
    for j in visible {
        let e = fastExp(row[j] - m)
        row[j] = e
        sum += e
    }
    let inv = 1 / sum
    for j in 0..<visible.lowerBound { row[j] = 0 }
    for j in visible { row[j] *= inv }
    for j in (visible.upperBound + 1)..<count { row[j] = 0 }
}
