import Adapters

/// An adapter file made ready for this model: every matrix checked against the shape of
/// the weight it updates or replaces, so a LoRA for another base model is refused in one
/// line naming the first tensor that does not fit, before anything runs. Nothing in an
/// adapter is ignored: a LoRA on the projector (Gemma 3's has no linear a LoRA could
/// update) is refused by name.
extension ModelAdapter {
    public struct MismatchError: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    /// The (inputs, outputs) of `projection`'s weight in this model.
    public static func shape(of projection: TextProjection, _ c: GemmaConfig) -> (inputs: Int, outputs: Int) {
        let d = c.embeddingLength, q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim, f = c.feedForwardLength
        switch projection {
        case .q: return (d, q)
        case .k, .v: return (d, kv)
        case .output: return (q, d)
        case .gate, .up: return (d, f)
        case .down: return (f, d)
        }
    }

    /// The (inputs, outputs) of a SigLIP layer's `projection`.
    public static func shape(of projection: VisionProjection, _ c: VisionConfig) -> (inputs: Int, outputs: Int) {
        let d = c.hiddenSize, f = c.feedForwardLength
        switch projection {
        case .q, .k, .v, .output: return (d, d)
        case .up: return (d, f)
        case .down: return (f, d)
        }
    }

    /// `weights` (a GGUF LoRA or a PEFT folder, read by the Adapters module) for a model of
    /// configuration `c` — and vision tower `vision`, when one is loaded — each update scaled
    /// by the adapter's alpha / r (alpha / √r with rsLoRA) times `userScale`.
    ///
    /// Without `vision`, vision-tower LoRA is kept as read: no image is encoded without a
    /// tower, and `VisionEncoder.setAdapters` checks it against the tower it meets.
    public init(weights: LoRAAdapterWeights, config c: GemmaConfig, vision: VisionConfig? = nil,
                userScale: Float = 1) throws(MismatchError) {
        func fail(_ problem: String) -> MismatchError { MismatchError(description: "\(weights.source): \(problem)") }
        var layers = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        var visionLayers: [[VisionProjection: LoRAUpdate]] = []
        for (placement, m) in weights.matrices.sorted(by: { $0.key.description < $1.key.description }) {
            let scale = LoRAAdapterWeights.scale(alpha: weights.alpha, rank: m.rank, rsLoRA: weights.rsLoRA)
            switch placement {
            case .text(let layer, let projection):
                let tensor = "blk.\(layer).\(projection.ggufName)"
                guard layer < c.layerCount else {
                    throw fail("'\(tensor)' is for layer \(layer); the model has \(c.layerCount) layers (an adapter for another base model?)")
                }
                let (inputs, outputs) = Self.shape(of: projection, c)
                guard m.inputs == inputs, m.outputs == outputs else {
                    throw fail("'\(tensor)' maps \(m.inputs) → \(m.outputs) values; the model's \(projection.ggufName) maps \(inputs) → \(outputs) (an adapter for another base model?)")
                }
                layers[layer][projection] = LoRAUpdate(a: m.a, b: m.b, rank: m.rank, inputs: inputs, outputs: outputs, scale: scale)
            case .vision(let layer, let projection):
                guard layer < 1 << 12 else { throw fail("'\(placement)' is for vision layer \(layer); no SigLIP tower has that many") }
                if visionLayers.count <= layer { visionLayers += Array(repeating: [:], count: layer + 1 - visionLayers.count) }
                visionLayers[layer][projection] = LoRAUpdate(a: m.a, b: m.b, rank: m.rank, inputs: m.inputs, outputs: m.outputs, scale: scale)
            case .projector(let module):
                throw fail("it updates the projector's '\(module)'; Gemma 3's projector has no linear layer a LoRA could update")
            }
        }
        let d = c.embeddingLength, vocabulary = c.vocabularySize
        for (module, matrix) in weights.replacements.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where matrix.rows != vocabulary || matrix.columns != d {
            throw fail("'\(matrix.tensor.name)' (modules_to_save \(module.rawValue)) is \(matrix.rows) × \(matrix.columns); the model's is \(vocabulary) × \(d) (an adapter for another base model?)")
        }
        self.init(name: weights.name, sha256: weights.sha256, layers: layers, visionLayers: visionLayers,
                  tokenEmbedding: weights.replacements[.tokenEmbedding]?.tensor, output: weights.replacements[.output]?.tensor,
                  userScale: userScale)
        if let vision { try checkVision(vision, source: weights.source) }
    }

    /// Every vision-tower update against the tower of configuration `c`: its layers and the
    /// shapes of their linears. `source` names the adapter in the message.
    public func checkVision(_ c: VisionConfig, source: String? = nil) throws(MismatchError) {
        let who = source ?? name
        for (layer, updates) in visionLayers.enumerated() {
            for (projection, u) in updates.sorted(by: { $0.key.ggufName < $1.key.ggufName }) {
                let tensor = "v.blk.\(layer).\(projection.ggufName)"
                guard layer < c.layerCount else {
                    throw MismatchError(description: "\(who): '\(tensor)' is for vision layer \(layer); the tower has \(c.layerCount) layers (an adapter for another base model?)")
                }
                let (inputs, outputs) = Self.shape(of: projection, c)
                guard u.inputs == inputs, u.outputs == outputs else {
                    throw MismatchError(description: "\(who): '\(tensor)' maps \(u.inputs) → \(u.outputs) values; the tower's \(projection.ggufName) maps \(inputs) → \(outputs) (an adapter for another base model?)")
                }
            }
        }
    }
}

extension ModelAdapter {
    /// Adapters that can be on at once: each adds its own updates, but a whole matrix can be
    /// replaced by one of them only — two `embed_tokens` copies would leave one unused.
    public static func checkTogether(_ adapters: [ModelAdapter]) throws(MismatchError) {
        for (kind, replaced) in [("embed_tokens", adapters.filter { $0.tokenEmbedding != nil }),
                                 ("lm_head", adapters.filter { $0.output != nil })] where replaced.count > 1 {
            throw MismatchError(description: "\(replaced[0].name) and \(replaced[1].name) both replace the whole '\(kind)' (modules_to_save); use one of them at a time")
        }
    }
}
