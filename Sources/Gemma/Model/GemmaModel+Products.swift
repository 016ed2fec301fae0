import GGUF
import Kernels

/// The steps of a layer whose kernel depends on precision and batch size, kept out of the
/// blocks in `GemmaModel.swift` so those read as equations.

/// Scratch rows of one forward pass, reused by every layer (a prompt batch's buffers are
/// megabytes: allocating them per layer cost page faults on every one).
final class LayerBuffers {
    /// RMSNorm(x) before attention, then before the feed-forward: `rows × d`.
    var normed: [Float]
    var q: [Float], k: [Float], v: [Float]
    /// Attention output, heads concatenated: `rows × H·D`.
    var attended: [Float]
    /// W_o · attended, then W_down · gated: `rows × d`.
    var projected: [Float]
    /// GELU(W_gate h) ⊙ (W_up h): `rows × F`.
    var gated: [Float]
    /// W_up h, when the GeGLU is not fused: `rows × F`.
    var up: [Float] = []

    init(config c: GemmaConfig, rows n: Int) {
        normed = [Float](repeating: 0, count: n * c.embeddingLength)
        q = [Float](repeating: 0, count: n * c.headCount * c.headDim)
        k = [Float](repeating: 0, count: n * c.kvHeadCount * c.headDim)
        v = k
        attended = q
        projected = normed
        gated = [Float](repeating: 0, count: n * c.feedForwardLength)
    }
}

extension GemmaModel {
    /// (T4) `q = W_q h`, `k = W_k h`, `v = W_v h` from `b.normed`. One row on the fast path
    /// (decode): one fused mat-vec over the three matrices, activations quantized once.
    func projectQKV(_ w: GemmaWeights.Layer, _ b: LayerBuffers, rows n: Int) {
        guard precision == .fast && n == 1 else {
            linear(precision: precision, w.q, b.normed, rows: n, into: &b.q)
            linear(precision: precision, w.k, b.normed, rows: n, into: &b.k)
            linear(precision: precision, w.v, b.normed, rows: n, into: &b.v)
            return
        }
        b.normed.withUnsafeBufferPointer { h in
            b.q.withUnsafeMutableBufferPointer { q in
                b.k.withUnsafeMutableBufferPointer { k in
                    b.v.withUnsafeMutableBufferPointer { v in
                        matVec([MatVecTarget(w.q, into: q), MatVecTarget(w.k, into: k), MatVecTarget(w.v, into: v)], x: h)
                    }
                }
            }
        }
    }

    /// (T5) per-head RMSNorm of q and k, (T6) RoPE at each row's position, (T7) the query
    /// pre-scale α — in place on `b.q` and `b.k`, rows spread over the cores.
    func normalizeAndRotate(_ w: GemmaWeights.Layer, _ b: LayerBuffers, rows n: Int, rope: RopeTable) {
        let c = config, D = c.headDim, qDim = c.headCount * D, kvDim = c.kvHeadCount * D
        b.q.withUnsafeMutableBufferPointer { qb in
            b.k.withUnsafeMutableBufferPointer { kb in
                w.qNorm.withUnsafeBufferPointer { qn in
                    w.kNorm.withUnsafeBufferPointer { kn in
                        let qp = qb.baseAddress!, kp = kb.baseAddress!, qnp = qn.baseAddress!, knp = kn.baseAddress!
                        forEachRowRange(n) { rows in
                            for i in rows {
                                for head in 0..<c.headCount {
                                    let u = qp + i * qDim + head * D
                                    rmsNorm(u, weight: qnp, count: D, eps: c.rmsEpsilon)
                                    rope.apply(u, row: i)
                                    for j in 0..<D { u[j] *= c.queryScale }
                                }
                                for head in 0..<c.kvHeadCount {
                                    let u = kp + i * kvDim + head * D
                                    rmsNorm(u, weight: knp, count: D, eps: c.rmsEpsilon)
                                    rope.apply(u, row: i)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// (T13, T14) `b.gated = GELU_tanh(W_gate h) ⊙ (W_up h)` from `b.normed`. One row on the
    /// fast path: both mat-vecs and the activation fused in one pass. Batches: two products,
    /// then the GELU across the cores. Both use the vectorised `fastExp` GELU — or, at
    /// `.reference` precision, the libm `tanhf` of T14 itself. An adapter's updates of the
    /// gate and up products go in before the GELU.
    func geglu(_ w: GemmaWeights.Layer, _ b: LayerBuffers, rows n: Int, layer l: Int) {
        if precision == .fast && n == 1 && !adapted(l, .gate) && !adapted(l, .up) {
            b.normed.withUnsafeBufferPointer { h in
                b.gated.withUnsafeMutableBufferPointer { matVecGeGLU(gate: w.gate, up: w.up, x: h, into: $0) }
            }
            return
        }
        let ffn = config.feedForwardLength
        if b.up.count < n * ffn { b.up = [Float](repeating: 0, count: n * ffn) }
        linear(precision: precision, w.gate, b.normed, rows: n, into: &b.gated)
        linear(precision: precision, w.up, b.normed, rows: n, into: &b.up)
        addAdapters(l, .gate, input: b.normed, rows: n, into: &b.gated)
        addAdapters(l, .up, input: b.normed, rows: n, into: &b.up)
        b.gated.withUnsafeMutableBufferPointer { gb in
            b.up.withUnsafeBufferPointer { ub in
                let gp = gb.baseAddress!, upp = ub.baseAddress!
                if precision == .reference {
                    for i in 0..<(n * ffn) { gp[i] = geluTanh(gp[i]) * upp[i] }
                    return
                }
                forEachRowRange(n) { rows in
                    geluTanhGated(gp + rows.lowerBound * ffn, up: upp + rows.lowerBound * ffn, count: rows.count * ffn)
                }
            }
        }
    }
}
