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

/// Multi-head attention over packed sequences and its gradient, one (head, sequence) block
/// at a time with matrix products (grouped-query: query head h reads key/value head
/// h / (H / Hk)). Queries arrive already scaled (the engine multiplies them by the query
/// scale after RoPE), so scores are plain dot products.
///
///     S = Q·Kᵀ (masked),  P = softmax(S) by rows,  O = P·V
///     dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = P ⊙ (dP − rowsum(P ⊙ dP)),  dQ = dS·K,  dK = dSᵀ·Q
struct AttentionGradient<T: TrainingScalar> {
    let rows: Int
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    let mask: TrainingMask
    /// The packed sequences (row ranges) and where each one's L×L block starts in a head's
    /// probabilities.
    private let sequences: [Range<Int>]
    private let blockStart: [Int]
    /// Per head (`blockValues` apart), each sequence's L×L block of P, zero where masked
    /// (kept from the forward pass).
    private(set) var probabilities: [T] = []

    /// Values kept in `probabilities`.
    var probabilityCount: Int { probabilities.count }

    init(rows: Int, heads: Int, kvHeads: Int, headDim: Int, mask: TrainingMask) {
        self.rows = rows
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.mask = mask
        var sequences: [Range<Int>] = [], starts: [Int] = [], total = 0
        var i = 0
        while i < rows {
            let s = mask.keys(i)
            precondition(s.lowerBound == i && !s.isEmpty, "TrainingMask: sequences must be consecutive row ranges")
            sequences.append(s)
            starts.append(total)
            total += s.count * s.count
            i = s.upperBound
        }
        self.sequences = sequences
        blockStart = starts
    }

    private var blockValues: Int { sequences.last.map { blockStart.last! + $0.count * $0.count } ?? 0 }

    /// `o` (rows × heads·D) from q (rows × heads·D), k and v (rows × kvHeads·D); keeps P.
    mutating func forward(q: [T], k: [T], v: [T], into o: inout [T]) {
        let D = headDim, qw = heads * D, kw = kvHeads * D, group = heads / kvHeads, mask = mask
        let sequences = sequences, blockStart = blockStart
        let perHead = blockValues
        var probabilities = [T](repeating: 0, count: heads * perHead)
        probabilities.withUnsafeMutableBufferPointer { pb in
            let blocks = UnsafeMutableRawPointer(pb.baseAddress!)
            q.withUnsafeBufferPointer { qb in
                k.withUnsafeBufferPointer { kb in
                    v.withUnsafeBufferPointer { vb in
                        o.withUnsafeMutableBufferPointer { ob in
                            let (qp, kp, vp) = (qb.baseAddress!, kb.baseAddress!, vb.baseAddress!)
                            let out = UnsafeMutableRawPointer(ob.baseAddress!)
                            parallelFor(heads * sequences.count) { task in
                                let h = task / sequences.count, s = sequences[task % sequences.count], L = s.count, lo = s.lowerBound
                                let kvh = h / group
                                let p = blocks.assumingMemoryBound(to: T.self) + h * perHead + blockStart[task % sequences.count]
                                let o = out.assumingMemoryBound(to: T.self)
                                T.gemm(m: L, n: L, k: D, a: qp + lo * qw + h * D, lda: qw, transposeA: false,
                                       b: kp + lo * kw + kvh * D, ldb: kw, transposeB: true, c: p, ldc: L, accumulate: false)
                                for i in 0..<L {
                                    let row = p + i * L
                                    var maximum = -T.infinity
                                    for j in 0..<L where mask.visible(query: lo + i, key: lo + j) { maximum = Swift.max(maximum, row[j]) }
                                    var sum: T = 0
                                    for j in 0..<L {
                                        if mask.visible(query: lo + i, key: lo + j) {
                                            row[j] = T.exp(row[j] - maximum)
                                            sum += row[j]
                                        } else {
                                            row[j] = 0
                                        }
                                    }
                                    for j in 0..<L { row[j] /= sum }
                                }
                                T.gemm(m: L, n: D, k: L, a: p, lda: L, transposeA: false, b: vp + lo * kw + kvh * D, ldb: kw, transposeB: false,
                                       c: o + lo * qw + h * D, ldc: qw, accumulate: false)
                            }
                        }
                    }
                }
            }
        }
        self.probabilities = probabilities
    }

    /// dq (rows × heads·D), dk and dv (rows × kvHeads·D), written, from `dout`.
    func backward(q: [T], k: [T], v: [T], dout: [T], dq: inout [T], dk: inout [T], dv: inout [T]) {
        let D = headDim, qw = heads * D, kw = kvHeads * D, group = heads / kvHeads
        let sequences = sequences, blockStart = blockStart, perHead = blockValues
        for i in dk.indices { dk[i] = 0 }
        for i in dv.indices { dv[i] = 0 }
        // One task per (key/value head, sequence): the query heads of a group write the same
        // dk/dv rows, so they run inside one task; dq rows are each head's own.
        probabilities.withUnsafeBufferPointer { pb in
            let pp = pb.baseAddress!
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
                                        parallelFor(kvHeads * sequences.count) { task in
                                            let kvh = task / sequences.count, n = task % sequences.count
                                            let s = sequences[n], L = s.count, lo = s.lowerBound
                                            let (dq, dk, dv) = (dqr.assumingMemoryBound(to: T.self), dkr.assumingMemoryBound(to: T.self),
                                                                dvr.assumingMemoryBound(to: T.self))
                                            let ds = UnsafeMutablePointer<T>.allocate(capacity: L * L)
                                            defer { ds.deallocate() }
                                            let (kb, vb, dkb, dvb) = (kp + lo * kw + kvh * D, vp + lo * kw + kvh * D, dk + lo * kw + kvh * D, dv + lo * kw + kvh * D)
                                            for h in (kvh * group)..<((kvh + 1) * group) {
                                                do {
                                                    let p = pp + h * perHead + blockStart[n]
                                                    let (qh, gh) = (qp + lo * qw + h * D, gp + lo * qw + h * D)
                                                    // dV += Pᵀ·dO;  dP = dO·Vᵀ
                                                    T.gemm(m: L, n: D, k: L, a: p, lda: L, transposeA: true, b: gh, ldb: qw, transposeB: false,
                                                           c: dvb, ldc: kw, accumulate: true)
                                                    T.gemm(m: L, n: L, k: D, a: gh, lda: qw, transposeA: false, b: vb, ldb: kw, transposeB: true,
                                                           c: ds, ldc: L, accumulate: false)
                                                    // dS = P ⊙ (dP − rowsum(P ⊙ dP)) (zero where masked: P is)
                                                    for i in 0..<L {
                                                        var dot: T = 0
                                                        for j in 0..<L { dot += p[i * L + j] * ds[i * L + j] }
                                                        for j in 0..<L { ds[i * L + j] = p[i * L + j] * (ds[i * L + j] - dot) }
                                                    }
                                                    // dQ = dS·K;  dK += dSᵀ·Q
                                                    T.gemm(m: L, n: D, k: L, a: ds, lda: L, transposeA: false, b: kb, ldb: kw, transposeB: false,
                                                           c: dq + lo * qw + h * D, ldc: qw, accumulate: false)
                                                    T.gemm(m: L, n: D, k: L, a: ds, lda: L, transposeA: true, b: qh, ldb: qw, transposeB: false,
                                                           c: dkb, ldc: kw, accumulate: true)
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
