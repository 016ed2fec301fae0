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
        var lossSum: Double = 0
        for (k, example) in batch.enumerated() {
            lossSum += run(example, adapter: &adapter, weight: 1 / Float(count), seed: dropoutSeed &+ UInt64(k) &* 0x1_0000_0001)
        }
        return lossSum / Double(count)
    }

    /// Adds one example's gradients (each target's weighted by `weight`); returns its summed loss.
    func run(_ example: TrainingExample, adapter: inout TrainableAdapter, weight: Float, seed: UInt64) -> Double {
        let dropout = self.dropout > 0 ? (probability: self.dropout, seed: seed) : nil
        let c = model.config, n = example.ids.count, d = c.embeddingLength
        let blocks = example.imageBlocks
        var x = embed(example)
        var inputs: [[Float]] = []
        for l in 0..<c.layerCount {
            inputs.append(x)
            var layer = LayerPass(model: model, layer: l, rows: n, imageBlocks: blocks, adapter: adapter.layers[l], dropout: dropout)
            x = layer.forward(x)
        }
        // Final norm, output product and cross-entropy, a few target rows at a time.
        var dx = [Float](repeating: 0, count: n * d)
        let loss = outputLossAndGradient(x, targets: example.targets, weight: weight, into: &dx)
        for l in stride(from: c.layerCount - 1, through: 0, by: -1) {
            var layer = LayerPass(model: model, layer: l, rows: n, imageBlocks: blocks, adapter: adapter.layers[l], dropout: dropout)
            _ = layer.forward(inputs[l])
            dx = layer.backward(inputs[l], dx, gradients: &adapter.layers[l])
        }
        return loss
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
    private func outputLossAndGradient(_ x: [Float], targets: [(row: Int, target: Int)], weight: Float,
                                       into dx: inout [Float]) -> Double {
        let c = model.config, d = c.embeddingLength, vocab = c.vocabularySize
        let output = FrozenLinear(weight: model.weights.outputProjection)
        var loss: Double = 0
        let chunk = max(1, (16 << 20) / (4 * vocab))
        var start = 0
        while start < targets.count {
            let part = Array(targets[start..<min(targets.count, start + chunk)])
            start += part.count
            let m = part.count
            var h = [Float](repeating: 0, count: m * d), z = h
            for (i, t) in part.enumerated() { h.replaceSubrange((i * d)..<(i * d + d), with: x[(t.row * d)..<(t.row * d + d)]) }
            rmsRows(h, model.weights.outputNorm, rows: m, eps: c.rmsEpsilon, into: &z)
            var logits = [Float](repeating: 0, count: m * vocab)
            output.forward(z, rows: m, into: &logits)
            logits.withUnsafeMutableBufferPointer { lb in
                for (i, t) in part.enumerated() {
                    let row = lb.baseAddress! + i * vocab
                    if let cap = c.finalLogitSoftcap {
                        var raw = [Float](repeating: 0, count: vocab)
                        for k in 0..<vocab { raw[k] = row[k]; row[k] = cap * tanh(row[k] / cap) }
                        loss += Double(CrossEntropy.lossAndGradient(row, count: vocab, target: t.target, weight: weight))
                        for k in 0..<vocab { let th = tanh(raw[k] / cap); row[k] *= 1 - th * th }
                    } else {
                        loss += Double(CrossEntropy.lossAndGradient(row, count: vocab, target: t.target, weight: weight))
                    }
                }
            }
            var dz = [Float](repeating: 0, count: m * d)
            output.backward(logits, rows: m, into: &dz)
            var dh = [Float](repeating: 0, count: m * d)
            rmsRowsBackward(h, model.weights.outputNorm, dz, rows: m, eps: c.rmsEpsilon, into: &dh)
            for (i, t) in part.enumerated() {
                for j in 0..<d { dx[t.row * d + j] += dh[i * d + j] }
            }
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
