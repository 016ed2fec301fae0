import Adapters
import Gemma

/// The LoRA being trained: per decoder layer, a `LoRAPair` for each targeted projection;
/// and, opt-in, full copies of the token embedding and the output matrix trained as they are
/// (PEFT's `modules_to_save` — the notebook's `["lm_head", "embed_tokens"]`). The copies are
/// separate, as PEFT keeps them: the output stops being tied to the embedding.
public struct TrainableAdapter: Sendable {
    public let rank: Int
    public let alpha: Float
    public var layers: [[TextProjection: LoRAPair]]
    /// The token embedding's trained copy (`embed_tokens`), or nil: the base's.
    public var embedding: TrainableMatrix?
    /// The output matrix's trained copy (`lm_head`), or nil: the base's (tied to the embedding).
    public var output: TrainableMatrix?

    public init(rank: Int, alpha: Float, layers: [[TextProjection: LoRAPair]], embedding: TrainableMatrix? = nil,
                output: TrainableMatrix? = nil) {
        self.rank = rank
        self.alpha = alpha
        self.layers = layers
        self.embedding = embedding
        self.output = output
    }

    /// The text part of an adapter read from a file (training continues from it), with its
    /// replaced embedding / output matrices as trained copies; vision LoRA is refused —
    /// training updates the decoder.
    public init(weights: LoRAAdapterWeights, config c: GemmaConfig) throws(ModelAdapter.MismatchError) {
        let checked = try ModelAdapter(weights: weights, config: c)
        if checked.changesVision {
            throw ModelAdapter.MismatchError(description: "\(weights.source): training continues the decoder's LoRA only; this adapter also updates the vision tower")
        }
        rank = weights.rank
        alpha = weights.alpha
        layers = checked.layers.map { layer in
            layer.mapValues { u in LoRAPair(rank: u.rank, inputs: u.inputs, outputs: u.outputs, scale: u.scale, a: u.a, b: u.b) }
        }
        embedding = checked.tokenEmbedding.map { TrainableMatrix(copying: $0) }
        output = checked.output.map { TrainableMatrix(copying: $0) }
    }

    /// Every pair in a fixed order: layer, then projection (`TextProjection.allCases`).
    public var orderedKeys: [(layer: Int, projection: TextProjection)] {
        layers.indices.flatMap { l in TextProjection.allCases.filter { layers[l][$0] != nil }.map { (l, $0) } }
    }

    /// Every trained tensor with its gradient, in a fixed order — each pair's A then B
    /// (`orderedKeys`), then the embedding's copy, then the output's — for the optimiser,
    /// clipping and checkpoints. Each is moved out while `body` runs, so nothing is copied.
    mutating func forEachParameter(_ body: (_ index: Int, _ values: inout [Float], _ gradient: inout [Float]) -> Void) {
        var index = 0
        for (l, p) in orderedKeys {
            var pair = layers[l].removeValue(forKey: p)!
            body(index, &pair.a, &pair.gradientA)
            body(index + 1, &pair.b, &pair.gradientB)
            layers[l][p] = pair
            index += 2
        }
        if var e = embedding {
            embedding = nil
            body(index, &e.values, &e.gradient)
            embedding = e
            index += 1
        }
        if var o = output {
            output = nil
            body(index, &o.values, &o.gradient)
            output = o
        }
    }

    /// The gradients alone, in `forEachParameter`'s order.
    var gradients: [[Float]] {
        orderedKeys.flatMap { [layers[$0.layer][$0.projection]!.gradientA, layers[$0.layer][$0.projection]!.gradientB] }
            + [embedding?.gradient, output?.gradient].compactMap { $0 }
    }

    mutating func zeroGradients() {
        forEachParameter { _, _, g in
            g.withUnsafeMutableBufferPointer { b in b.update(repeating: 0) }
        }
    }

    /// The L2 norm of every gradient together.
    public var gradientNorm: Double {
        var sum: Double = 0
        for g in gradients {
            g.withUnsafeBufferPointer { b in
                for block in stride(from: 0, to: b.count, by: 4096) {
                    var s: Float = 0
                    for i in block..<min(b.count, block + 4096) { s += b[i] * b[i] }
                    sum += Double(s)
                }
            }
        }
        return sum.squareRoot()
    }
}

extension TrainableAdapter {
    /// A new adapter as PEFT initialises one (`init_lora_weights=True`): A from
    /// kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in), and B zero — the update starts at
    /// zero and the model at the base. Seeded.
    public static func initial(for c: GemmaConfig, rank: Int, alpha: Float, targets: [TextProjection], seed: UInt64) -> TrainableAdapter {
        var rng = TrainingRandom(seed: seed ^ 0x4C6F_5241)
        let scale = alpha / Float(rank)
        let layers = (0..<c.layerCount).map { _ in
            Dictionary(uniqueKeysWithValues: targets.map { p -> (TextProjection, LoRAPair) in
                let (inputs, outputs) = ModelAdapter.shape(of: p, c)
                let bound = 1 / Float(inputs).squareRoot()
                let a = (0..<(rank * inputs)).map { _ in (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * bound }
                return (p, LoRAPair(rank: rank, inputs: inputs, outputs: outputs, scale: scale, a: a, b: Array(repeating: 0, count: outputs * rank)))
            })
        }
        return TrainableAdapter(rank: rank, alpha: alpha, layers: layers)
    }
}
