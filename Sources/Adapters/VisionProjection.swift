/// The six linears of a SigLIP encoder layer a LoRA can update.
public enum VisionProjection: String, CaseIterable, Sendable, Hashable {
    case q, k, v, output, up, down

    /// The weight's name in llama.cpp's mmproj (`v.blk.N.<ggufName>.weight`).
    public var ggufName: String {
        switch self {
        case .q: return "attn_q"
        case .k: return "attn_k"
        case .v: return "attn_v"
        case .output: return "attn_out"
        case .up: return "ffn_up"
        case .down: return "ffn_down"
        }
    }

    /// The module's path inside a Hugging Face `SiglipEncoderLayer`: fc1 widens (llama.cpp's
    /// ffn_up), fc2 narrows (ffn_down).
    public var huggingFaceName: String {
        switch self {
        case .q: return "self_attn.q_proj"
        case .k: return "self_attn.k_proj"
        case .v: return "self_attn.v_proj"
        case .output: return "self_attn.out_proj"
        case .up: return "mlp.fc1"
        case .down: return "mlp.fc2"
        }
    }

    public init?(huggingFaceName: String) {
        guard let p = Self.allCases.first(where: { $0.huggingFaceName == huggingFaceName }) else { return nil }
        self = p
    }
}
