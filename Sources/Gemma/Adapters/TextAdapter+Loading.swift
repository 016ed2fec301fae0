import Adapters
import GGUF

/// An adapter file made ready for this model: every matrix checked against the shape of
/// the projection it updates, so a LoRA for another base model is refused in one line
/// naming the first tensor that does not fit, before anything runs.
extension TextAdapter {
    public struct MismatchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The (inputs, outputs) of `target`'s weight in this model.
    static func shape(of target: LoRATarget, _ c: GemmaConfig) -> (inputs: Int, outputs: Int) {
        let d = c.embeddingLength, q = c.headCount * c.headDim, kv = c.kvHeadCount * c.headDim, f = c.feedForwardLength
        switch target {
        case .q: return (d, q)
        case .k, .v: return (d, kv)
        case .output: return (q, d)
        case .gate, .up: return (d, f)
        case .down: return (f, d)
        }
    }

    /// A llama.cpp GGUF LoRA: each update scaled by alpha / rank (1 when alpha is 0), as
    /// llama.cpp's `build_lora_mm` does.
    public init(gguf lora: GGUFLoRAFile, config c: GemmaConfig, name: String, sha256: String, userScale: Float = 1) throws(MismatchError) {
        var layers = [[LoRATarget: LoRAUpdate]](repeating: [:], count: c.layerCount)
        for pair in lora.pairs {
            let tensor = "blk.\(pair.layer).\(pair.projection).weight.lora_a"
            guard let target = LoRATarget(rawValue: pair.projection) else {
                throw MismatchError(description: "\(lora.path): '\(tensor)' updates no projection of this model")
            }
            guard pair.layer < c.layerCount else {
                throw MismatchError(description: "\(lora.path): '\(tensor)' is for layer \(pair.layer); the model has \(c.layerCount) layers (an adapter for another base model?)")
            }
            let (inputs, outputs) = Self.shape(of: target, c)
            guard pair.inputs == inputs, pair.outputs == outputs else {
                throw MismatchError(description: "\(lora.path): '\(tensor)' maps \(pair.inputs) → \(pair.outputs) values; the model's \(pair.projection) maps \(inputs) → \(outputs) (an adapter for another base model?)")
            }
            let scale = lora.alpha == 0 ? 1 : lora.alpha / Float(pair.rank)
            layers[pair.layer][target] = LoRAUpdate(a: pair.a, b: pair.b, rank: pair.rank, inputs: inputs, outputs: outputs, scale: scale)
        }
        self.init(name: name, sha256: sha256, layers: layers, userScale: userScale)
    }
}
