import Adapters

/// An adapter file made ready for this model: every matrix checked against the shape of
/// the projection it updates, so a LoRA for another base model is refused in one line
/// naming the first tensor that does not fit, before anything runs. What this engine
/// cannot apply yet — LoRA on the vision tower, `modules_to_save` replacements of the
/// embedding and output — is refused by name too: nothing in an adapter is ignored.
extension TextAdapter {
    public struct MismatchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The (inputs, outputs) of `projection`'s weight in this model.
    static func shape(of projection: TextProjection, _ c: GemmaConfig) -> (inputs: Int, outputs: Int) {
        let d = c.embeddingLength, q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim, f = c.feedForwardLength
        switch projection {
        case .q: return (d, q)
        case .k, .v: return (d, kv)
        case .output: return (q, d)
        case .gate, .up: return (d, f)
        case .down: return (f, d)
        }
    }

    /// `weights` (a GGUF LoRA or a PEFT folder, read by the Adapters module) for a model of
    /// configuration `c`, each update scaled by the adapter's alpha / r (alpha / √r with
    /// rsLoRA) times `userScale`.
    public init(weights: LoRAAdapterWeights, config c: GemmaConfig, userScale: Float = 1) throws(MismatchError) {
        func fail(_ problem: String) -> MismatchError { MismatchError(description: "\(weights.source): \(problem)") }
        if let module = weights.replacements.keys.map(\.rawValue).sorted().first {
            throw fail("it replaces the whole '\(module)' (modules_to_save); applying replaced embedding or output matrices is not supported yet")
        }
        var layers = [[TextProjection: LoRAUpdate]](repeating: [:], count: c.layerCount)
        for (placement, m) in weights.matrices.sorted(by: { $0.key.description < $1.key.description }) {
            guard case .text(let layer, let projection) = placement else {
                throw fail("it updates \(placement.description); LoRA on the vision tower or projector is not applied yet")
            }
            let tensor = "blk.\(layer).\(projection.ggufName)"
            guard layer < c.layerCount else {
                throw fail("'\(tensor)' is for layer \(layer); the model has \(c.layerCount) layers (an adapter for another base model?)")
            }
            let (inputs, outputs) = Self.shape(of: projection, c)
            guard m.inputs == inputs, m.outputs == outputs else {
                throw fail("'\(tensor)' maps \(m.inputs) → \(m.outputs) values; the model's \(projection.ggufName) maps \(inputs) → \(outputs) (an adapter for another base model?)")
            }
            let scale = LoRAAdapterWeights.scale(alpha: weights.alpha, rank: m.rank, rsLoRA: weights.rsLoRA)
            layers[layer][projection] = LoRAUpdate(a: m.a, b: m.b, rank: m.rank, inputs: inputs, outputs: outputs, scale: scale)
        }
        self.init(name: weights.name, sha256: weights.sha256, layers: layers, userScale: userScale)
    }
}
