import Foundation
import Kernels

/// Multi-head attention in which every row sees every row (GEMMA3.md V4: no mask, no
/// position encoding inside the attention; SigLIP's positions are learned and added up front).
///
/// `q`, `k`, `v` are `rows × heads·headDim`, head h in columns `h·headDim…`. The work is
/// split into (head, block of queries) jobs spread over the cores; in each, the block's
/// scores against all keys are one sgemm, the softmax runs row by row, and `P · V_h` is a
/// second sgemm written straight into the head's columns of the output. Query blocks bound
/// each job's score buffer (4096 patches would otherwise need 64 MB per head); the softmax's
/// division is applied to the D outputs of a row, not its n weights.
func bidirectionalAttention(q: [Float], k: [Float], v: [Float], rows n: Int, heads: Int, headDim D: Int) -> [Float] {
    let width = heads * D
    precondition(q.count == n * width && k.count == n * width && v.count == n * width, "attention: buffers are not rows × \(width)")
    var out = [Float](repeating: 0, count: n * width)
    guard n > 0 else { return out }
    let blockRows = max(1, min(n, AttentionBlock.scoreFloats / n))
    let blocks = (n + blockRows - 1) / blockRows
    let scale = 1 / Float(D).squareRoot()
    q.withUnsafeBufferPointer { qb in
        k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in
                out.withUnsafeMutableBufferPointer { ob in
                    let qp = qb.baseAddress!, kp = kb.baseAddress!, vp = vb.baseAddress!, op = ob.baseAddress!
                    parallelFor(heads * blocks) { job in
                        let h = job / blocks, first = (job % blocks) * blockRows
                        let count = min(blockRows, n - first)
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: count * n)
                        defer { scores.deallocate() }
                        let o = op + first * width + h * D
                        sgemm(m: count, n: n, k: D, a: qp + first * width + h * D, lda: width,
                              b: kp + h * D, ldb: width, transposeB: true, c: scores, ldc: n)
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { inverseSums in
                            for i in 0..<count { inverseSums[i] = exponentiateRow(scores + i * n, count: n, scale: scale) }
                            sgemm(m: count, n: D, k: n, a: scores, lda: n, b: vp + h * D, ldb: width,
                                  transposeB: false, c: o, ldc: width)
                            // The softmax's division, applied to D outputs rather than n weights.
                            for i in 0..<count {
                                let row = o + i * width, inv = inverseSums[i]
                                for t in 0..<D { row[t] *= inv }
                            }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// `row[j] ← exp(scale·(row[j] − max))`, in place; returns 1 / Σ row (the softmax without
/// its final division, which the caller applies to the attention output instead).
private func exponentiateRow(_ row: UnsafeMutablePointer<Float>, count: Int, scale: Float) -> Float {
    // Four independent chains: one max chain is latency-bound (the stdlib's SIMD
    // `pointwiseMax` was not specialised here and cost more than the exponentials).
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0
    var j = 0
    while j + 4 <= count {
        m0 = row[j] > m0 ? row[j] : m0
        m1 = row[j + 1] > m1 ? row[j + 1] : m1
        m2 = row[j + 2] > m2 ? row[j + 2] : m2
        m3 = row[j + 3] > m3 ? row[j + 3] : m3
        j += 4
    }
    var m = max(max(m0, m1), max(m2, m3))
    while j < count { m = max(m, row[j]); j += 1 }
    for j in 0..<count { row[j] = fastExp((row[j] - m) * scale) }
    let raw = UnsafeMutableRawPointer(row)
    var sums = SIMD8<Float>()
    j = 0
    while j + 8 <= count {
        sums += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        j += 8
    }
    var sum = sums.sum()
    while j < count { sum += row[j]; j += 1 }
    return 1 / sum
}

/// How many score floats one block of queries may use (4 MB: stays in cache between the
/// two products and the softmax).
private enum AttentionBlock {
    static let scoreFloats = 1 << 20
}
