/// Where one LoRA update applies in a Gemma 3 model, whatever file it came from (a PEFT
/// folder, a llama.cpp GGUF LoRA): the model side looks matrices up by this key.
public enum LoRAPlacement: Hashable, Sendable, CustomStringConvertible {
    /// A projection of decoder layer `layer`.
    case text(layer: Int, projection: TextProjection)
    /// A linear of SigLIP encoder layer `layer`, by its Hugging Face path inside the layer:
    /// `self_attn.q_proj`, `self_attn.k_proj`, `self_attn.v_proj`, `self_attn.out_proj`,
    /// `mlp.fc1`, `mlp.fc2` (llama.cpp's mmproj calls them `v.blk.N.attn_q`, `attn_k`,
    /// `attn_v`, `attn_out`, `ffn_up`, `ffn_down`; see `visionModules`).
    case vision(layer: Int, module: String)
    /// A linear of the multimodal projector, by its Hugging Face name (`mm_input_projection`).
    case projector(module: String)

    /// The SigLIP encoder-layer modules a vision placement may name.
    public static let visionModules: Set<String> = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                                    "self_attn.out_proj", "mlp.fc1", "mlp.fc2"]

    public var description: String {
        switch self {
        case .text(let layer, let p): return "blk.\(layer).\(p.ggufName)"
        case .vision(let layer, let module): return "vision layer \(layer) \(module)"
        case .projector(let module): return "projector \(module)"
        }
    }
}
