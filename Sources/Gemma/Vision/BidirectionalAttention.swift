import Foundation
import Kernels

/// Multi-head attention in which every row sees every row (GEMMA3.md V4: no mask, no
/// position encoding inside the attention; SigLIP's positions are learned and added up front).
///
/// `q`, `k`, `v` are `rows × heads·headDim`, head h in columns `h·headDim…`. Per head, the
/// scores of a block of queries against all keys are one sgemm, the softmax runs row-wise on
/// all cores, and `P · V_h` is a second sgemm written straight into the head's columns of the
/// output. Query blocks bound the score buffer (4096 patches would otherwise need 64 MB per
/// head); the softmax's division is applied to the D outputs of a row, not its n weights.
/// The exponentials are libm's `expf`: Kernels' `fastExp` is not `@inlinable`, and as an
/// opaque cross-module call it measured twice as slow here.
func bidirectionalAttention(q: [Float], k: [Float], v: [Float], rows n: Int, heads: Int, headDim D: Int) -> [Float] {
    let width = heads * D
    precondition(q.count == n * width && k.count == n * width && v.count == n * width, "attention: buffers are not rows × \(width)")
    var out = [Float](repeating: 0, count: n * width)
    guard n > 0 else { return out }
    let blockRows = max(1, min(n, AttentionBlock.scoreFloats / n))
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * n)
    let inverseSums = UnsafeMutablePointer<Float>.allocate(capacity: blockRows)
    defer { scores.deallocate(); inverseSums.deallocate() }
    let scale = 1 / Float(D).squareRoot()
    q.withUnsafeBufferPointer { qb in
        k.withUnsafeBufferPointer { kb in
            v.withUnsafeBufferPointer { vb in
                out.withUnsafeMutableBufferPointer { ob in
                    for h in 0..<heads {
                        var first = 0
                        while first < n {
                            let count = min(blockRows, n - first)
                            let o = ob.baseAddress! + first * width + h * D
                            sgemm(m: count, n: n, k: D, a: qb.baseAddress! + first * width + h * D, lda: width,
                                  b: kb.baseAddress! + h * D, ldb: width, transposeB: true, c: scores, ldc: n)
                            forRowChunks(count) { i in
                                inverseSums[i] = exponentiateRow(scores + i * n, count: n, scale: scale)
                            }
                            sgemm(m: count, n: D, k: n, a: scores, lda: n, b: vb.baseAddress! + h * D, ldb: width,
                                  transposeB: false, c: o, ldc: width)
                            // The softmax's division, applied to D outputs rather than n weights.
                            for i in 0..<count {
                                let row = o + i * width, inv = inverseSums[i]
                                for t in 0..<D { row[t] *= inv }
                            }
                            first += count
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
    // Eight lanes at a time: a Float max or sum in one chain would not vectorise.
    let raw = UnsafeMutableRawPointer(row)
    var lanes = SIMD8<Float>(repeating: -.infinity)
    var j = 0
    while j + 8 <= count {
        lanes = pointwiseMax(lanes, raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self))
        j += 8
    }
    var m = lanes.max()
    while j < count { m = max(m, row[j]); j += 1 }
    for j in 0..<count { row[j] = expf((row[j] - m) * scale) }
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
