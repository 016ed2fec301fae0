import Adapters
import Foundation
import GGUF
import Gemma
import Kernels

/// The training loss of a batch and the gradient of every LoRA parameter: the Gemma 3
/// forward pass in f32 with the base weights frozen (read from their quantized blocks a tile
/// at a time, `FrozenLinear`), then back through it layer by layer. Only each layer's input
/// is kept from the forward pass; a layer's other activations are recomputed when the
/// backward pass reaches it (activation recomputation), so memory grows with one layer, not
/// with all of them.
///
///     x₀ = E[ids]·√d (image rows as given)
///     per layer:  a = norm(x);  q, k, v = a·Wᵀ (+ LoRA);  q, k = rope(norm_h(q)), rope(norm_h(k)); q ·= scale
///                 x += norm(attention(q, k, v)·W_oᵀ)
///                 b = norm(x);  x += norm((gelu(b·W_gᵀ) ⊙ b·W_uᵀ)·W_dᵀ)
///     logits = norm(x)·Eᵀ;   loss = Σ CE(logits[t−1], ids[t]) / (targets in the batch)
public struct LossAndGradients {
    public let model: GemmaModel
    /// LoRA dropout probability (0: none, as for evaluation and the gradient checks).
    public var dropout: Float = 0
    /// Draws this pass's dropout masks; the trainer changes it every step.
    public var dropoutSeed: UInt64 = 0

    public init(model: GemmaModel, dropout: Float = 0) {
        self.model = model
        self.dropout = dropout
    }

    /// The batch's token-mean loss; `adapter`'s gradients are set to its gradients (zeroed
    /// first unless `accumulate`). `totalTargets`: the targets the mean divides by (the whole
    /// accumulated batch's; by default this batch's).
    public func run(_ batch: [TrainingExample], adapter: inout TrainableAdapter, totalTargets: Int? = nil,
                    accumulate: Bool = false) -> Double {
        if !accumulate { adapter.zeroGradients() }
        let count = totalTargets ?? batch.reduce(0) { $0 + $1.targets.count }
        guard count > 0 else { return 0 }
        let seed = dropoutSeed
        let dropout = self.dropout > 0 ? (probability: self.dropout, seed: seed) : nil
        let pack = PackedBatch(batch.filter { !$0.ids.isEmpty })
        let example = pack.example, c = model.config, n = pack.rows, d = c.embeddingLength
        var x = embed(example)
        var inputs: [[Float]] = []
        func layerPass(_ l: Int) -> LayerPass {
            LayerPass(model: model, layer: l, pack: pack, imageBlocks: example.imageBlocks, adapter: adapter.layers[l], dropout: dropout)
        }
        for l in 0..<c.layerCount {
            inputs.append(x)
            var layer = layerPass(l)
            x = layer.forward(x)
        }
        // Final norm, output product and cross-entropy over every target of the batch.
        var dx = [Float](repeating: 0, count: n * d)
        let lossSum = outputLossAndGradient(x, targets: example.targets, weight: 1 / Float(count), into: &dx)
        for l in stride(from: c.layerCount - 1, through: 0, by: -1) {
            var layer = layerPass(l)
            _ = layer.forward(inputs[l])
            dx = layer.backward(inputs[l], dx, gradients: &adapter.layers[l])
        }
        return lossSum / Double(count)
    }

    /// (T1) token rows E[t]·√d; image rows as given.
    private func embed(_ example: TrainingExample) -> [Float] {
        let d = model.config.embeddingLength, scale = Float(d).squareRoot(), table = model.weights.tokenEmbedding
        var x = [Float](repeating: 0, count: example.ids.count * d)
        x.withUnsafeMutableBufferPointer { xb in
            for (i, t) in example.ids.enumerated() {
                let row = UnsafeMutableBufferPointer(rebasing: xb[(i * d)..<(i * d + d)])
                dequantize(table.type, table.row(Int(max(0, t))), into: row)
                for j in 0..<d { row[j] *= scale }
            }
            for image in example.images {
                for (k, v) in image.rows.enumerated() { xb[image.start * d + k] = v }
            }
        }
        return x
    }

    /// The loss of `targets` from the last hidden rows `x`, and its gradient into `dx`.
    ///
    /// The output matrix (262 144 rows for Gemma 3) is read twice a batch, a tile of rows at a
    /// time, whatever the number of targets: first for each target row's log-sum-exp (an
    /// online softmax over the tiles), then for ∂L/∂logits = weight·(softmax − onehot) tile
    /// by tile, multiplied straight back into ∂L/∂z.
    private func outputLossAndGradient(_ x: [Float], targets: [(row: Int, target: Int)], weight: Float,
                                       into dx: inout [Float]) -> Double {
        let c = model.config, d = c.embeddingLength, m = targets.count
        guard m > 0 else { return 0 }
        let output = FrozenLinear(weight: model.weights.outputProjection)
        var h = [Float](repeating: 0, count: m * d), z = h
        for (i, t) in targets.enumerated() { h.replaceSubrange((i * d)..<(i * d + d), with: x[(t.row * d)..<(t.row * d + d)]) }
        rmsRows(h, model.weights.outputNorm, rows: m, eps: c.rmsEpsilon, into: &z)
        let cap = c.finalLogitSoftcap
        // Pass 1: running max and sum of exp per row, and each target's logit.
        var maximum = [Float](repeating: -.infinity, count: m), sum = [Double](repeating: 0, count: m)
        var targetLogit = [Float](repeating: 0, count: m)
        var logits: [Float] = []
        func tileLogits(_ lo: Int, _ hi: Int, _ w: UnsafePointer<Float>) {
            let width = hi - lo
            if logits.count < m * width { logits = [Float](repeating: 0, count: m * width) }
            sgemm(m: m, n: width, k: d, a: z, lda: d, b: w, ldb: d, transposeB: true, c: &logits, ldc: width)
            if let cap { for i in 0..<(m * width) { logits[i] = cap * tanh(logits[i] / cap) } }
        }
        output.forEachTile { lo, hi, w in
            tileLogits(lo, hi, w)
            let width = hi - lo
            for i in 0..<m {
                var tileMax = -Float.infinity
                for j in 0..<width { tileMax = max(tileMax, logits[i * width + j]) }
                let newMax = max(maximum[i], tileMax)
                var s = sum[i] * Double(exp(maximum[i] - newMax))
                for j in 0..<width { s += Double(exp(logits[i * width + j] - newMax)) }
                (maximum[i], sum[i]) = (newMax, s)
                let t = targets[i].target
                if t >= lo && t < hi { targetLogit[i] = logits[i * width + t - lo] }
            }
        }
        var loss: Double = 0
        var logSum = [Float](repeating: 0, count: m)
        for i in 0..<m {
            logSum[i] = maximum[i] + Float(log(sum[i]))
            loss += Double(logSum[i] - targetLogit[i])
        }
        // Pass 2: the gradient of the logits, tile by tile, into ∂L/∂z.
        var dz = [Float](repeating: 0, count: m * d)
        output.forEachTile { lo, hi, w in
            tileLogits(lo, hi, w)
            let width = hi - lo
            for i in 0..<m {
                for j in 0..<width {
                    let l = logits[i * width + j]
                    var g = weight * exp(l - logSum[i])
                    if lo + j == targets[i].target { g -= weight }
                    if let cap { g *= 1 - (l / cap) * (l / cap) }    // d(cap·tanh(u/cap))/du = 1 − tanh²
                    logits[i * width + j] = g
                }
            }
            sgemm(m: m, n: d, k: width, a: logits, lda: width, b: w, ldb: d, transposeB: false, c: &dz, ldc: d, accumulate: true)
        }
        var dh = [Float](repeating: 0, count: m * d)
        rmsRowsBackward(h, model.weights.outputNorm, dz, rows: m, eps: c.rmsEpsilon, into: &dh)
        for (i, t) in targets.enumerated() {
            for j in 0..<d { dx[t.row * d + j] += dh[i * d + j] }
        }
        return loss
    }
}

/// RMS norm of each `width`-long row (width = w.count).
func rmsRows(_ x: [Float], _ w: [Float], rows n: Int, eps: Float, into y: inout [Float]) {
    let width = w.count
    x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
            y.withUnsafeMutableBufferPointer { yb in
                for i in 0..<n {
                    RMSNormGradient.forward(xb.baseAddress! + i * width, weight: wb.baseAddress!, count: width, eps: eps,
                                            into: yb.baseAddress! + i * width)
                }
            }
        }
    }
}

/// Writes ∂L/∂x of `rmsRows` into `dx` from `dy`.
func rmsRowsBackward(_ x: [Float], _ w: [Float], _ dy: [Float], rows n: Int, eps: Float, into dx: inout [Float],
                     accumulate: Bool = false) {
    let width = w.count
    x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
            dy.withUnsafeBufferPointer { gb in
                dx.withUnsafeMutableBufferPointer { db in
                    for i in 0..<n {
                        RMSNormGradient.backward(xb.baseAddress! + i * width, weight: wb.baseAddress!, count: width, eps: eps,
                                                 gradient: gb.baseAddress! + i * width, into: db.baseAddress! + i * width,
                                                 accumulate: accumulate)
                    }
                }
            }
        }
    }
}
