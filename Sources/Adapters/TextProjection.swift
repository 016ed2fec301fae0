/// The seven linear projections of a Gemma 3 decoder layer a LoRA can update.
public enum TextProjection: String, CaseIterable, Sendable, Hashable {
    case q, k, v, output, gate, up, down

    /// The weight's name in a GGUF file (`blk.N.<ggufName>.weight`), as llama.cpp's GGUF
    /// LoRA files name their `lora_a`/`lora_b` pairs.
    public var ggufName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .output: return "attn_output"
        case .gate: return "ffn_gate"
        case .up: return "ffn_up"
        case .down: return "ffn_down"
        }
    }

    /// The module's path inside a Hugging Face decoder layer (`self_attn.q_proj`, `mlp.down_proj`).
    public var huggingFaceName: String {
        switch self {
        case .q: return "self_attn.q_proj"
        case .k: return "self_attn.k_proj"
        case .v: return "self_attn.v_proj"
        case .output: return "self_attn.o_proj"
        case .gate: return "mlp.gate_proj"
        case .up: return "mlp.up_proj"
        case .down: return "mlp.down_proj"
        }
    }

    public init?(ggufName: String) {
        guard let p = Self.allCases.first(where: { $0.ggufName == ggufName }) else { return nil }
        self = p
    }

    public init?(huggingFaceName: String) {
        guard let p = Self.allCases.first(where: { $0.huggingFaceName == huggingFaceName }) else { return nil }
        self = p
    }
}
