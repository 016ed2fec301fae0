import Adapters
import Gemma
import GGUF

/// One decoder layer of a training sequence, forward (keeping what the backward pass needs)
/// and backward (ENGINE.md T3–T15, in the same order read upwards).
struct LayerPass {
    let model: GemmaModel
    let layer: Int
    let rows: Int
    let adapter: [TextProjection: LoRAPair]
    /// LoRA dropout: the probability, and the seed this layer's masks are drawn from (the
    /// same masks in the forward pass and in its recomputation).
    let dropout: (probability: Float, seed: UInt64)?
    var attention: AttentionGradient<Float>
    let rope: RotaryTable<Float>

    // Activations of the forward pass, by the names of the paper-style summary in
    // `LossAndGradients`.
    private var a: [Float] = [], q: [Float] = [], k: [Float] = [], v: [Float] = []
    private var qFinal: [Float] = [], kFinal: [Float] = []
    private var o: [Float] = [], p: [Float] = [], xMid: [Float] = []
    private var b: [Float] = [], g: [Float] = [], u: [Float] = [], m: [Float] = [], down: [Float] = []
    /// Each projection's dropout mask, drawn in the forward pass and reused by the backward.
    private var masks: [TextProjection: [Float]] = [:]

    /// What the forward pass keeps, in bytes (attention probabilities included).
    var activationBytes: Int {
        let floats = [a, q, k, v, qFinal, kFinal, o, p, xMid, b, g, u, m, down].reduce(0) { $0 + $1.count }
            + masks.values.reduce(0) { $0 + $1.count }
        return (floats + attention.probabilityCount) * MemoryLayout<Float>.stride
    }

    init(model: GemmaModel, layer: Int, pack: PackedBatch, imageBlocks: [Int], adapter: [TextProjection: LoRAPair],
         dropout: (probability: Float, seed: UInt64)? = nil) {
        self.dropout = dropout
        let c = model.config
        self.model = model
        self.layer = layer
        rows = pack.rows
        positions = pack.positions
        self.adapter = adapter
        let mask = TrainingMask(window: c.isGlobal(layer: layer) ? nil : c.slidingWindow, imageBlock: imageBlocks, sequence: pack.sequences)
        attention = AttentionGradient(rows: rows, heads: c.headCount, kvHeads: c.kvHeadCount, headDim: c.headDim, mask: mask)
        rope = RotaryTable(dim: c.headDim, positions: pack.longest, base: c.ropeBase(layer: layer), scale: c.ropeScale(layer: layer))
    }

    /// Per row: its position in its own sequence (RoPE's p).
    let positions: [Int]

    private var weights: GemmaWeights.Layer { model.weights.layers[layer] }
    private var eps: Float { model.config.rmsEpsilon }

    /// The dropout mask of `projection`'s LoRA input (nil without dropout): each of PEFT's
    /// LoRA layers has its own dropout, so each projection its own mask.
    private func drawMask(_ projection: TextProjection, count: Int) -> [Float]? {
        guard let dropout, dropout.probability > 0, adapter[projection] != nil else { return nil }
        let index = TextProjection.allCases.firstIndex(of: projection)!
        var rng = TrainingRandom(seed: dropout.seed &+ UInt64(layer * 16 + index) &* 0x9E37_79B9)
        let keep = 1 / (1 - dropout.probability), threshold = UInt64(Double(dropout.probability) * Double(1 << 53))
        return (0..<count).map { _ in (rng.next() >> 11) < threshold ? 0 : keep }
    }

    private mutating func project(_ projection: TextProjection, _ w: GGUFTensor, _ x: [Float]) -> [Float] {
        let linear = FrozenLinear(weight: w)
        var y = [Float](repeating: 0, count: rows * linear.outputs)
        linear.forward(x, rows: rows, into: &y)
        masks[projection] = drawMask(projection, count: x.count)
        adapter[projection]?.forward(x, rows: rows, dropout: masks[projection], into: &y)
        return y
    }

    /// Adds `dy`'s part of ∂L/∂x to `dx`, and the LoRA pair's gradients.
    private func projectBack(_ projection: TextProjection, _ w: GGUFTensor, _ x: [Float], _ dy: [Float],
                             into dx: inout [Float], gradients: inout [TextProjection: LoRAPair]) {
        FrozenLinear(weight: w).backward(dy, rows: rows, into: &dx)
        gradients[projection]?.backward(x, dy, rows: rows, dropout: masks[projection], into: &dx)
    }

    /// Per head of `width` values: RMS norm with `norm`, rotate, times `scale`.
    private func normRotate(_ raw: [Float], heads: Int, norm: [Float], scale: Float) -> [Float] {
        let D = model.config.headDim
        var out = raw
        out.withUnsafeMutableBufferPointer { ob in
            raw.withUnsafeBufferPointer { rb in
                norm.withUnsafeBufferPointer { nb in
                    for i in 0..<rows {
                        for h in 0..<heads {
                            let at = (i * heads + h) * D
                            RMSNormGradient.forward(rb.baseAddress! + at, weight: nb.baseAddress!, count: D, eps: eps, into: ob.baseAddress! + at)
                            rope.apply(ob.baseAddress! + at, position: positions[i])
                            for e in 0..<D { ob[at + e] *= scale }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The gradient of `normRotate` with respect to `raw`, from the gradient of its output.
    private func normRotateBack(_ raw: [Float], _ dout: [Float], heads: Int, norm: [Float], scale: Float) -> [Float] {
        let D = model.config.headDim
        var g = dout, dx = [Float](repeating: 0, count: raw.count)
        g.withUnsafeMutableBufferPointer { gb in
            raw.withUnsafeBufferPointer { rb in
                norm.withUnsafeBufferPointer { nb in
                    dx.withUnsafeMutableBufferPointer { db in
                        for i in 0..<rows {
                            for h in 0..<heads {
                                let at = (i * heads + h) * D
                                for e in 0..<D { gb[at + e] *= scale }
                                rope.apply(gb.baseAddress! + at, position: positions[i], inverse: true)
                                RMSNormGradient.backward(rb.baseAddress! + at, weight: nb.baseAddress!, count: D, eps: eps,
                                                         gradient: gb.baseAddress! + at, into: db.baseAddress! + at, accumulate: false)
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// The layer's output rows from its input rows `x`.
    mutating func forward(_ x: [Float]) -> [Float] {
        let w = weights, c = model.config, n = rows, d = c.embeddingLength
        a = [Float](repeating: 0, count: n * d)
        rmsRows(x, w.attnNorm, rows: n, eps: eps, into: &a)                                         // (T3)
        q = project(.q, w.q, a)                                                                     // (T4)
        k = project(.k, w.k, a)
        v = project(.v, w.v, a)
        qFinal = normRotate(q, heads: c.headCount, norm: w.qNorm, scale: c.queryScale)              // (T5–T7)
        kFinal = normRotate(k, heads: c.kvHeadCount, norm: w.kNorm, scale: 1)
        o = [Float](repeating: 0, count: n * c.headCount * c.headDim)
        attention.forward(q: qFinal, k: kFinal, v: v, into: &o)                                    // (T8, T9)
        p = project(.output, w.output, o)                                                           // (T10)
        var normed = [Float](repeating: 0, count: n * d)
        rmsRows(p, w.postAttentionNorm, rows: n, eps: eps, into: &normed)                           // (T11)
        xMid = x
        for i in xMid.indices { xMid[i] += normed[i] }
        b = [Float](repeating: 0, count: n * d)
        rmsRows(xMid, w.ffnNorm, rows: n, eps: eps, into: &b)                                       // (T12)
        g = project(.gate, w.gate, b)                                                               // (T13)
        u = project(.up, w.up, b)
        m = g                                                                                       // (T14)
        m.withUnsafeMutableBufferPointer { mb in
            u.withUnsafeBufferPointer { ub in
                for i in 0..<mb.count { mb[i] = GELUGradient.value(mb[i]) * ub[i] }
            }
        }
        down = project(.down, w.down, m)
        rmsRows(down, w.postFFNNorm, rows: n, eps: eps, into: &normed)                              // (T15)
        var out = xMid
        for i in out.indices { out[i] += normed[i] }
        return out
    }

    /// ∂L/∂x of the layer's input from ∂L/∂(its output), after `forward(x)`; adds the LoRA
    /// gradients to `gradients`.
    mutating func backward(_ x: [Float], _ dOut: [Float], gradients: inout [TextProjection: LoRAPair]) -> [Float] {
        let w = weights, c = model.config, n = rows, d = c.embeddingLength
        // (T15) out = xMid + norm(down)
        var dDown = [Float](repeating: 0, count: down.count)
        rmsRowsBackward(down, w.postFFNNorm, dOut, rows: n, eps: eps, into: &dDown)
        var dm = [Float](repeating: 0, count: m.count)
        projectBack(.down, w.down, m, dDown, into: &dm, gradients: &gradients)
        // (T14) m = gelu(g) ⊙ u
        var dg = dm, du = dm
        dg.withUnsafeMutableBufferPointer { dgb in
            du.withUnsafeMutableBufferPointer { dub in
                g.withUnsafeBufferPointer { gb in
                    u.withUnsafeBufferPointer { ub in
                        for i in 0..<dgb.count {
                            let (value, derivative) = GELUGradient.valueAndDerivative(gb[i])
                            dgb[i] *= ub[i] * derivative
                            dub[i] *= value
                        }
                    }
                }
            }
        }
        // (T13, T12) b = norm(xMid)
        var db = [Float](repeating: 0, count: n * d)
        projectBack(.gate, w.gate, b, dg, into: &db, gradients: &gradients)
        projectBack(.up, w.up, b, du, into: &db, gradients: &gradients)
        var dxMid = dOut
        rmsRowsBackward(xMid, w.ffnNorm, db, rows: n, eps: eps, into: &dxMid, accumulate: true)
        // (T11, T10) xMid = x + norm(p), p = o·W_oᵀ
        var dp = [Float](repeating: 0, count: p.count)
        rmsRowsBackward(p, w.postAttentionNorm, dxMid, rows: n, eps: eps, into: &dp)
        var dO = [Float](repeating: 0, count: o.count)
        projectBack(.output, w.output, o, dp, into: &dO, gradients: &gradients)
        // (T9, T8) attention
        var dqFinal = [Float](repeating: 0, count: qFinal.count), dkFinal = [Float](repeating: 0, count: kFinal.count)
        var dv = [Float](repeating: 0, count: v.count)
        attention.backward(q: qFinal, k: kFinal, v: v, dout: dO, dq: &dqFinal, dk: &dkFinal, dv: &dv)
        // (T7–T5)
        let dq = normRotateBack(q, dqFinal, heads: c.headCount, norm: w.qNorm, scale: c.queryScale)
        let dk = normRotateBack(k, dkFinal, heads: c.kvHeadCount, norm: w.kNorm, scale: 1)
        // (T4, T3) a = norm(x)
        var da = [Float](repeating: 0, count: n * d)
        projectBack(.q, w.q, a, dq, into: &da, gradients: &gradients)
        projectBack(.k, w.k, a, dk, into: &da, gradients: &gradients)
        projectBack(.v, w.v, a, dv, into: &da, gradients: &gradients)
        var dx = dxMid
        rmsRowsBackward(x, w.attnNorm, da, rows: n, eps: eps, into: &dx, accumulate: true)
        return dx
    }
}
