import Adapters
import Foundation
import GGUF
import Gemma
import Kernels

/// The training loss of a batch and the gradient of every LoRA parameter: the Gemma 3
/// forward pass in f32 with the base weights frozen (read from their quantized blocks a tile
/// at a time, `FrozenLinear`), then back through it layer by layer. Each layer's forward
/// activations are kept while `activationBudget` lasts; past it only a layer's input is
/// kept and the rest is recomputed when the backward pass reaches it (activation
/// recomputation), so memory grows with one layer, not with all of them.
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

    /// Most bytes of logits held at once (target rows are taken in groups that fit).
    public var logitBudget = 512 << 20
    /// Most bytes of layer activations kept from the forward pass for the backward pass;
    /// layers beyond it keep only their input and are recomputed when the backward pass
    /// reaches them. The default is a quarter of the machine's memory: a small model keeps
    /// everything (no recomputation, as PyTorch without checkpointing), a large one
    /// recomputes what does not fit.
    public var activationBudget = Int(min(ProcessInfo.processInfo.physicalMemory / 4, UInt64(Int.max)))

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
        var x = embed(example, copy: adapter.embedding)
        // Per layer: its input, and its whole forward pass while the budget lasts.
        var inputs: [[Float]] = [], kept: [LayerPass?] = []
        var keptBytes = 0
        func layerPass(_ l: Int) -> LayerPass {
            LayerPass(model: model, layer: l, pack: pack, imageBlocks: example.imageBlocks, adapter: adapter.layers[l], dropout: dropout)
        }
        for l in 0..<c.layerCount {
            inputs.append(x)
            var layer = layerPass(l)
            x = layer.forward(x)
            keptBytes += layer.activationBytes
            kept.append(keptBytes <= activationBudget ? layer : nil)
        }
        // Final norm, output product and cross-entropy over every target of the batch.
        var dx = [Float](repeating: 0, count: n * d)
        let lossSum = outputLossAndGradient(x, targets: example.targets, weight: 1 / Float(count), into: &dx, output: &adapter.output)
            .reduce(0, +)
        for l in stride(from: c.layerCount - 1, through: 0, by: -1) {
            var layer: LayerPass
            if let pass = kept[l] {
                layer = pass
                kept[l] = nil
            } else {
                layer = layerPass(l)
                _ = layer.forward(inputs[l])
            }
            dx = layer.backward(inputs[l], dx, gradients: &adapter.layers[l])
        }
        // (T1) back into the embedding's copy: each text row's gradient, times √d, onto its token's row.
        if adapter.embedding != nil {
            let scale = Float(d).squareRoot(), blocks = example.imageBlocks
            // Token 0 is Gemma's padding: transformers' embedding (padding_idx 0) gives it no gradient.
            for (i, t) in example.ids.enumerated() where blocks[i] < 0 && t != 0 {
                let at = Int(max(0, t)) * d
                for j in 0..<d { adapter.embedding!.gradient[at + j] += scale * dx[i * d + j] }
            }
        }
        return lossSum / Double(count)
    }

    /// Each example's loss sum (over its targets), for evaluation: one packed forward pass
    /// keeping nothing, no dropout, no gradients (about a third of `run`'s work), so a
    /// held-out set reads every weight once, not once per example.
    public func exampleLosses(_ batch: [TrainingExample], adapter: TrainableAdapter) -> [Double] {
        let kept = batch.indices.filter { !batch[$0].ids.isEmpty }
        let pack = PackedBatch(kept.map { batch[$0] })
        let example = pack.example, targets = example.targets
        var sums = [Double](repeating: 0, count: batch.count)
        guard !targets.isEmpty else { return sums }
        var x = embed(example, copy: adapter.embedding)
        for l in 0..<model.config.layerCount {
            var layer = LayerPass(model: model, layer: l, pack: pack, imageBlocks: example.imageBlocks, adapter: adapter.layers[l])
            x = layer.forward(x)
        }
        var output = adapter.output, unused: [Float] = []
        let losses = outputLossAndGradient(x, targets: targets, weight: 1, into: &unused, output: &output, gradient: false)
        // A target's row lies in its example's sequence; sequences start in example order.
        let owner = Dictionary(uniqueKeysWithValues: zip(Set(pack.sequences.map(\.lowerBound)).sorted(), kept))
        for (t, loss) in zip(targets, losses) { sums[owner[pack.sequences[t.row].lowerBound]!] += loss }
        return sums
    }

    /// (T1) token rows E[t]·√d (E the trained copy when there is one); image rows as given.
    private func embed(_ example: TrainingExample, copy: TrainableMatrix?) -> [Float] {
        let d = model.config.embeddingLength, scale = Float(d).squareRoot(), table = model.weights.tokenEmbedding
        var x = [Float](repeating: 0, count: example.ids.count * d)
        x.withUnsafeMutableBufferPointer { xb in
            for (i, t) in example.ids.enumerated() {
                let row = UnsafeMutableBufferPointer(rebasing: xb[(i * d)..<(i * d + d)])
                if let copy {
                    let at = Int(max(0, t)) * d
                    for j in 0..<d { row[j] = copy.values[at + j] }
                } else {
                    dequantize(table.type, table.row(Int(max(0, t))), into: row)
                }
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
    /// The output matrix (262 144 rows for Gemma 3) is read a tile of rows at a time. Target
    /// rows go in groups whose logits fit `logitBudget` bytes: a group's logits are computed
    /// over the whole vocabulary and kept, its log-sum-exp taken, turned in place into
    /// ∂L/∂logits = weight·(softmax − onehot), and multiplied straight back into ∂L/∂z —
    /// two products with the matrix, as PyTorch's forward and backward make, and with a
    /// batch's targets in one group, two reads of the matrix. With a trained copy of the
    /// output matrix (`output`), that copy is the matrix and its gradient gathers
    /// ∂L/∂logitsᵀ·z.
    /// Returns each target's loss, in `targets`' order.
    private func outputLossAndGradient(_ x: [Float], targets: [(row: Int, target: Int)], weight: Float,
                                       into dx: inout [Float], output copy: inout TrainableMatrix?, gradient: Bool = true) -> [Double] {
        let c = model.config, d = c.embeddingLength, m = targets.count
        guard m > 0 else { return [] }
        let frozen = FrozenLinear(weight: model.weights.outputProjection)
        let vocabulary = frozen.outputs
        // The matrix a tile of rows at a time: the base's dequantized, or the copy as it is.
        let copyValues = copy?.values
        func forEachTile(_ body: (Int, Int, UnsafePointer<Float>) -> Void) {
            guard let copyValues else { return frozen.forEachTile(body) }
            copyValues.withUnsafeBufferPointer { body(0, vocabulary, $0.baseAddress!) }
        }
        var copyGradient = copy?.gradient ?? []
        copy?.gradient = []
        defer { copy?.gradient = copyGradient }
        var h = [Float](repeating: 0, count: m * d), z = h
        for (i, t) in targets.enumerated() { h.replaceSubrange((i * d)..<(i * d + d), with: x[(t.row * d)..<(t.row * d + d)]) }
        rmsRows(h, model.weights.outputNorm, rows: m, eps: c.rmsEpsilon, into: &z)
        let cap = c.finalLogitSoftcap
        let group = max(1, min(m, logitBudget / max(1, vocabulary * MemoryLayout<Float>.stride)))
        var logits = [Float](repeating: 0, count: group * vocabulary)
        var dz = [Float](repeating: 0, count: m * d)
        var losses = [Double](repeating: 0, count: m)
        for first in stride(from: 0, to: m, by: group) {
            let rows = min(group, m - first)
            z.withUnsafeBufferPointer { zb in
                logits.withUnsafeMutableBufferPointer { lb in
                    dz.withUnsafeMutableBufferPointer { db in
                        let (zp, lp, dp) = (zb.baseAddress! + first * d, lb.baseAddress!, db.baseAddress! + first * d)
                        // The group's logits, every vocabulary tile.
                        forEachTile { lo, hi, w in
                            FrozenLinear.splitRows(rows) { a, b in
                                sgemm(m: b - a, n: hi - lo, k: d, a: zp + a * d, lda: d, b: w, ldb: d, transposeB: true,
                                      c: lp + a * vocabulary + lo, ldc: vocabulary)
                            }
                        }
                        // Per row: soft-cap, log-sum-exp, loss, and the logits' gradient in place.
                        let rowLoss = UnsafeMutableBufferPointer<Double>.allocate(capacity: rows)
                        defer { rowLoss.deallocate() }
                        let lr = UnsafeMutableRawPointer(lp), rl = rowLoss.baseAddress!
                        parallelFor(rows) { i in
                            let row = lr.assumingMemoryBound(to: Float.self) + i * vocabulary
                            rl[i] = cap.map { Self.cappedLogitGradient(row, count: vocabulary, target: targets[first + i].target, cap: $0, weight: weight) }
                                ?? Self.logitGradient(row, count: vocabulary, target: targets[first + i].target, weight: weight)
                        }
                        for i in 0..<rows { losses[first + i] = rl[i] }
                        guard gradient else { return }
                        // ∂L/∂W += ∂L/∂logitsᵀ · z for a trained copy, split by vocabulary rows.
                        if !copyGradient.isEmpty {
                            copyGradient.withUnsafeMutableBufferPointer { gb in
                                let gr = UnsafeMutableRawPointer(gb.baseAddress!)
                                FrozenLinear.splitRows(vocabulary) { a, b in
                                    sgemm(m: b - a, n: d, k: rows, a: lp + a, lda: vocabulary, transposeA: true, b: zp, ldb: d,
                                          transposeB: false, c: gr.assumingMemoryBound(to: Float.self) + a * d, ldc: d, accumulate: true)
                                }
                            }
                        }
                        // ∂L/∂z += ∂L/∂logits · E, tile by tile.
                        forEachTile { lo, hi, w in
                            FrozenLinear.splitRows(rows) { a, b in
                                sgemm(m: b - a, n: d, k: hi - lo, a: lp + a * vocabulary + lo, lda: vocabulary, b: w, ldb: d,
                                      transposeB: false, c: dp + a * d, ldc: d, accumulate: true)
                            }
                        }
                    }
                }
            }
        }
        guard gradient else { return losses }
        var dh = [Float](repeating: 0, count: m * d)
        rmsRowsBackward(h, model.weights.outputNorm, dz, rows: m, eps: c.rmsEpsilon, into: &dh)
        for (i, t) in targets.enumerated() {
            for j in 0..<d { dx[t.row * d + j] += dh[i * d + j] }
        }
        return losses
    }

    /// One row of logits becomes `weight·(softmax − onehot(target))`; returns the row's loss
    /// `logsumexp − logit[target]`. Vectorised: the maximum and the sum of exponentials in
    /// 16 lanes (the sum carried in f64 every 1024 values), `fastExp` in place.
    static func logitGradient(_ row: UnsafeMutablePointer<Float>, count: Int, target: Int, weight: Float) -> Double {
        let raw = UnsafeRawPointer(row), lanes = count / 16 * 16
        var top = SIMD16<Float>(repeating: -.infinity)
        for j in stride(from: 0, to: lanes, by: 16) {
            top = pointwiseMax(top, raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self))
        }
        var maximum = top.max()
        for j in lanes..<count { maximum = max(maximum, row[j]) }
        let targetLogit = row[target]
        for j in 0..<count { row[j] = fastExp(row[j] - maximum) }
        var sum: Double = 0
        for block in stride(from: 0, to: lanes, by: 1024) {
            var s = SIMD16<Float>(repeating: 0)
            for j in stride(from: block, to: min(lanes, block + 1024), by: 16) { s += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self) }
            sum += Double(s.sum())
        }
        for j in lanes..<count { sum += Double(row[j]) }
        let scale = weight / Float(sum)
        for j in 0..<count { row[j] *= scale }
        row[target] -= weight
        return Double(maximum) + log(sum) - Double(targetLogit)
    }

    /// As `logitGradient` for a model whose logits are soft-capped (`cap·tanh(u/cap)`).
    static func cappedLogitGradient(_ row: UnsafeMutablePointer<Float>, count: Int, target: Int, cap: Float, weight: Float) -> Double {
        for j in 0..<count { row[j] = cap * tanh(row[j] / cap) }
        var maximum = -Float.infinity
        for j in 0..<count { maximum = max(maximum, row[j]) }
        var sum: Double = 0
        for j in 0..<count { sum += Double(exp(row[j] - maximum)) }
        let logSum = maximum + Float(log(sum))
        let loss = Double(logSum - row[target])
        for j in 0..<count {
            let l = row[j]
            var g = weight * exp(l - logSum)
            if j == target { g -= weight }
            row[j] = g * (1 - (l / cap) * (l / cap))    // d(cap·tanh(u/cap))/du = 1 − tanh²
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
