import Foundation
import Kernels

/// Which keys each query sees when several training sequences are packed row after row:
/// only its own sequence's rows, causal, within `window` on local layers, and — for an
/// image's rows — every row of the same image (Gemma 3's bidirectional image blocks, as in
/// inference).
struct TrainingMask: Sendable {
    /// nil on global layers.
    let window: Int?
    /// Per row: the image block it belongs to (unique over the pack), or −1 for a text token.
    let imageBlock: [Int]
    /// Per row: the rows of its sequence.
    let sequence: [Range<Int>]

    /// One sequence of `imageBlock.count` rows.
    init(window: Int?, imageBlock: [Int]) {
        self.init(window: window, imageBlock: imageBlock, sequence: Array(repeating: 0..<imageBlock.count, count: imageBlock.count))
    }

    init(window: Int?, imageBlock: [Int], sequence: [Range<Int>]) {
        self.window = window
        self.imageBlock = imageBlock
        self.sequence = sequence
    }

    /// Rows row `i` may see at all (its sequence); `visible` decides within it.
    func keys(_ i: Int) -> Range<Int> { sequence[i] }

    func visible(query i: Int, key j: Int) -> Bool {
        if j > i { return imageBlock[i] >= 0 && imageBlock[i] == imageBlock[j] }
        return window.map { i - j < $0 } ?? true
    }
}

/// Multi-head attention over one sequence and its gradient, head by head (grouped-query:
/// query head h reads key/value head h / (H / Hk)). Queries arrive already scaled (the
/// engine multiplies them by the query scale after RoPE), so scores are plain dot products.
///
///     S = Q·Kᵀ (masked),  P = softmax(S) by rows,  O = P·V
///     dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = P ⊙ (dP − rowsum(P ⊙ dP)),  dQ = dS·K,  dK = dSᵀ·Q
struct AttentionGradient<T: TrainingScalar> {
    let rows: Int
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    let mask: TrainingMask
    /// `probabilities[h]`: rows × rows, zero where masked (kept from the forward pass).
    private(set) var probabilities: [[T]] = []

    /// Values kept in `probabilities`.
    var probabilityCount: Int { probabilities.reduce(0) { $0 + $1.count } }

    init(rows: Int, heads: Int, kvHeads: Int, headDim: Int, mask: TrainingMask) {
        self.rows = rows
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.mask = mask
    }

    /// `o` (rows × heads·D) from q (rows × heads·D), k and v (rows × kvHeads·D); keeps P.
    mutating func forward(q: [T], k: [T], v: [T], into o: inout [T]) {
        let n = rows, D = headDim, qw = heads * D, kw = kvHeads * D, group = heads / kvHeads, mask = mask
        var probabilities = [[T]](repeating: [], count: heads)
        let lock = NSLock()
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    o.withUnsafeMutableBufferPointer { ob in
                        let (qp, kp, vp, op) = (qb.baseAddress!, kb.baseAddress!, vb.baseAddress!, ob.baseAddress!)
                        let out = UnsafeMutableRawPointer(op)
                        parallelFor(heads) { h in
                            let o = out.assumingMemoryBound(to: T.self)
                            let kvh = h / group
                            var p = [T](repeating: 0, count: n * n)
                            for i in 0..<n {
                                let qi = qp + i * qw + h * D
                                var maximum = -T.infinity
                                for j in mask.keys(i) where mask.visible(query: i, key: j) {
                                    let kj = kp + j * kw + kvh * D
                                    var s: T = 0
                                    for e in 0..<D { s += qi[e] * kj[e] }
                                    p[i * n + j] = s
                                    maximum = Swift.max(maximum, s)
                                }
                                var sum: T = 0
                                for j in mask.keys(i) where mask.visible(query: i, key: j) {
                                    let e = T.exp(p[i * n + j] - maximum)
                                    p[i * n + j] = e
                                    sum += e
                                }
                                let oi = o + i * qw + h * D
                                for e in 0..<D { oi[e] = 0 }
                                for j in mask.keys(i) where mask.visible(query: i, key: j) {
                                    p[i * n + j] /= sum
                                    let w = p[i * n + j], vj = vp + j * kw + kvh * D
                                    for e in 0..<D { oi[e] += w * vj[e] }
                                }
                            }
                            lock.withLock { probabilities[h] = p }
                        }
                    }
                }
            }
        }
        self.probabilities = probabilities
    }

    /// dq (rows × heads·D), dk and dv (rows × kvHeads·D), written, from `dout`.
    func backward(q: [T], k: [T], v: [T], dout: [T], dq: inout [T], dk: inout [T], dv: inout [T]) {
        let n = rows, D = headDim, qw = heads * D, kw = kvHeads * D, group = heads / kvHeads, mask = mask
        let probabilities = probabilities
        for i in dq.indices { dq[i] = 0 }
        for i in dk.indices { dk[i] = 0 }
        for i in dv.indices { dv[i] = 0 }
        // Key/value heads in parallel: the query heads of a group write the same dk/dv rows.
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    dout.withUnsafeBufferPointer { gb in
                        dq.withUnsafeMutableBufferPointer { dqb in
                            dk.withUnsafeMutableBufferPointer { dkb in
                                dv.withUnsafeMutableBufferPointer { dvb in
                                    let (qp, kp, vp, gp) = (qb.baseAddress!, kb.baseAddress!, vb.baseAddress!, gb.baseAddress!)
                                    let (dqr, dkr, dvr) = (UnsafeMutableRawPointer(dqb.baseAddress!), UnsafeMutableRawPointer(dkb.baseAddress!),
                                                           UnsafeMutableRawPointer(dvb.baseAddress!))
                                    parallelFor(kvHeads) { kvh in
                                        let (dq, dk, dv) = (dqr.assumingMemoryBound(to: T.self), dkr.assumingMemoryBound(to: T.self),
                                                            dvr.assumingMemoryBound(to: T.self))
                                        var ds = [T](repeating: 0, count: n)
                                        for h in (kvh * group)..<((kvh + 1) * group) {
                                            let p = probabilities[h]
                                            for i in 0..<n {
                                                let gi = gp + i * qw + h * D, qi = qp + i * qw + h * D, dqi = dq + i * qw + h * D
                                                var dot: T = 0
                                                for j in mask.keys(i) where mask.visible(query: i, key: j) {
                                                    let vj = vp + j * kw + kvh * D
                                                    var dp: T = 0
                                                    for e in 0..<D { dp += gi[e] * vj[e] }
                                                    ds[j] = dp
                                                    dot += p[i * n + j] * dp
                                                }
                                                for j in mask.keys(i) where mask.visible(query: i, key: j) {
                                                    let pij = p[i * n + j], s = pij * (ds[j] - dot)
                                                    let kj = kp + j * kw + kvh * D, dkj = dk + j * kw + kvh * D, dvj = dv + j * kw + kvh * D
                                                    for e in 0..<D {
                                                        dvj[e] += pij * gi[e]
                                                        dqi[e] += s * kj[e]
                                                        dkj[e] += s * qi[e]
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
