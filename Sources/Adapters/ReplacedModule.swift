/// A whole weight an adapter replaces rather than updates: PEFT's `modules_to_save`, which
/// Google's MedGemma fine-tuning notebook sets to `["lm_head", "embed_tokens"]`.
public enum ReplacedModule: String, Hashable, Sendable, CaseIterable {
    /// `embed_tokens`: the token embedding (GGUF `token_embd.weight`), vocabulary × hidden.
    case tokenEmbedding = "embed_tokens"
    /// `lm_head`: the output projection (GGUF `output.weight`; Gemma ties it to the
    /// embedding, but a PEFT folder saves each separately), vocabulary × hidden.
    case output = "lm_head"
}
