import Adapters
import Gemma

/// The LoRA being trained: per decoder layer, a `LoRAPair` for each targeted projection.
public struct TrainableAdapter: Sendable {
    public let rank: Int
    public let alpha: Float
    public var layers: [[TextProjection: LoRAPair]]

    public init(rank: Int, alpha: Float, layers: [[TextProjection: LoRAPair]]) {
        self.rank = rank
        self.alpha = alpha
        self.layers = layers
    }

    /// The text part of an adapter read from a file (training continues from it); vision
    /// LoRA and replaced matrices are refused — training updates the decoder's projections.
    public init(weights: LoRAAdapterWeights, config c: GemmaConfig) throws(ModelAdapter.MismatchError) {
        let checked = try ModelAdapter(weights: weights, config: c)
        if checked.changesVision || checked.replacesMatrices {
            throw ModelAdapter.MismatchError(description: "\(weights.source): training continues the decoder's LoRA only; this adapter also updates the vision tower or replaces whole matrices")
        }
        rank = weights.rank
        alpha = weights.alpha
        layers = checked.layers.map { layer in
            layer.mapValues { u in LoRAPair(rank: u.rank, inputs: u.inputs, outputs: u.outputs, scale: u.scale, a: u.a, b: u.b) }
        }
    }

    /// Every pair in a fixed order: layer, then projection (`TextProjection.allCases`).
    public var orderedKeys: [(layer: Int, projection: TextProjection)] {
        layers.indices.flatMap { l in TextProjection.allCases.filter { layers[l][$0] != nil }.map { (l, $0) } }
    }

    mutating func zeroGradients() {
        for (l, p) in orderedKeys { layers[l][p]!.zeroGradients() }
    }

    /// The L2 norm of every gradient together.
    public var gradientNorm: Double {
        var sum: Double = 0
        for (l, p) in orderedKeys {
            for g in layers[l][p]!.gradientA { sum += Double(g) * Double(g) }
            for g in layers[l][p]!.gradientB { sum += Double(g) * Double(g) }
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
