/// Where one LoRA update applies in a Gemma 3 model, whatever file it came from (a PEFT
/// folder, a llama.cpp GGUF LoRA): the model side looks matrices up by this key.
public enum LoRAPlacement: Hashable, Sendable, CustomStringConvertible {
    /// A projection of decoder layer `layer`.
    case text(layer: Int, projection: TextProjection)
    /// A linear of SigLIP encoder layer `layer` (the vision tower).
    case vision(layer: Int, projection: VisionProjection)
    /// A linear of the multimodal projector, by its Hugging Face name (`mm_input_projection`).
    case projector(module: String)

    public var description: String {
        switch self {
        case .text(let layer, let p): return "blk.\(layer).\(p.ggufName)"
        case .vision(let layer, let p): return "v.blk.\(layer).\(p.ggufName)"
        case .projector(let module): return "projector \(module)"
        }
    }
}
