/// A tensor name of a PEFT adapter for Gemma 3, parsed into where it applies.
///
/// PEFT saves `base_model.model.` + the module's path in the Hugging Face model + 
/// `.lora_A.weight` / `.lora_B.weight` (the adapter name, `default`, is removed on save).
/// The path depends on the model class and the transformers version:
///
/// | model | decoder layer N | vision layer N |
/// |---|---|---|
/// | Gemma3ForCausalLM (text only) | `model.layers.N.` | — |
/// | Gemma3ForConditionalGeneration, transformers ≥ 4.52 | `model.language_model.layers.N.` | `model.vision_tower.vision_model.encoder.layers.N.` |
/// | the same, transformers 5 | `model.language_model.layers.N.` | `model.vision_tower.encoder.layers.N.` |
/// | the same, transformers 4.50–4.51 | `language_model.model.layers.N.` | `vision_tower.vision_model.encoder.layers.N.` |
///
/// then `self_attn.{q,k,v,o}_proj` or `mlp.{gate,up,down}_proj` (decoder) and
/// `self_attn.{q,k,v,out}_proj` or `mlp.fc1`/`fc2` (SigLIP). With
/// `target_modules="all-linear"` on Gemma3ForConditionalGeneration (Google's MedGemma
/// notebook) every one of those gets a pair; the projector's `mm_input_projection_weight`
/// is a bare parameter, not a Linear, so PEFT (0.21, transformers 5.2) gives it none — a
/// `multi_modal_projector.<module>` pair is still placed should another version make one.
///
/// `modules_to_save` (the notebook's `["lm_head", "embed_tokens"]`): PEFT ≥ 0.14 saves the
/// trained copy under the module's own name, `base_model.model.lm_head.weight` and
/// `base_model.model.model.embed_tokens.weight` (`…model.language_model.embed_tokens.weight`
/// for the multimodal class, checked with peft 0.21.2 and transformers 5.24,
/// Tools/make_peft_fixtures.py), dropping the wrapper's `modules_to_save.default.` — which
/// a state dict taken from the live model keeps, so that form is read too.
public struct LoRATensorName: Equatable, Sendable {
    public enum Part: String, Sendable { case a = "A", b = "B" }

    public enum Target: Equatable, Sendable {
        case lora(LoRAPlacement, Part)
        case replacement(ReplacedModule)
    }

    public let name: String
    public let target: Target

    static let root = "base_model.model."
    static let textLayerPrefixes = ["model.language_model.layers.", "language_model.model.layers.", "model.layers."]
    static let visionLayerPrefixes = ["model.vision_tower.encoder.layers.", "model.vision_tower.vision_model.encoder.layers.",
                                      "vision_tower.vision_model.encoder.layers."]
    static let projectorPrefixes = ["model.multi_modal_projector.", "multi_modal_projector."]
    static let replaced: [String: ReplacedModule] = [
        "model.embed_tokens": .tokenEmbedding, "model.language_model.embed_tokens": .tokenEmbedding,
        "language_model.model.embed_tokens": .tokenEmbedding,
        "lm_head": .output, "language_model.lm_head": .output,
    ]

    /// nil when the name is none of the forms above.
    public init?(_ name: String) {
        self.name = name
        guard name.hasPrefix(Self.root) else { return nil }
        let path = name.dropFirst(Self.root.count)
        guard let parsed = Self.lora(path) ?? Self.replacement(path) else { return nil }
        target = parsed
    }

    private static func lora(_ path: Substring) -> Target? {
        let part: Part
        if path.hasSuffix(".lora_A.weight") { part = .a } else if path.hasSuffix(".lora_B.weight") { part = .b } else { return nil }
        let module = path.dropLast(".lora_A.weight".count)
        for prefix in textLayerPrefixes where module.hasPrefix(prefix) {
            guard let (layer, inner) = layerAndRest(module.dropFirst(prefix.count)),
                  let projection = TextProjection(huggingFaceName: String(inner)) else { return nil }
            return .lora(.text(layer: layer, projection: projection), part)
        }
        for prefix in visionLayerPrefixes where module.hasPrefix(prefix) {
            guard let (layer, inner) = layerAndRest(module.dropFirst(prefix.count)),
                  let projection = VisionProjection(huggingFaceName: String(inner)) else { return nil }
            return .lora(.vision(layer: layer, projection: projection), part)
        }
        for prefix in projectorPrefixes where module.hasPrefix(prefix) {
            let inner = module.dropFirst(prefix.count)
            guard !inner.isEmpty, inner.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            return .lora(.projector(module: String(inner)), part)
        }
        return nil
    }

    /// `N.rest` with N a plain decimal layer index (no sign, no leading zeros).
    private static func layerAndRest(_ s: Substring) -> (Int, Substring)? {
        guard let dot = s.firstIndex(of: "."), case let digits = s[..<dot], !digits.isEmpty, digits.count <= 6,
              digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits == "0" || digits.first != "0",
              let layer = Int(digits) else { return nil }
        return (layer, s[s.index(after: dot)...])
    }

    private static func replacement(_ path: Substring) -> Target? {
        guard path.hasSuffix(".weight") else { return nil }
        var module = path.dropLast(".weight".count)
        // The live model's form: `<module>.modules_to_save.<adapter>.weight`.
        if let range = module.range(of: ".modules_to_save.") {
            let adapter = module[range.upperBound...]
            guard !adapter.isEmpty, !adapter.contains(".") else { return nil }
            module = module[..<range.lowerBound]
        }
        return replaced[String(module)].map { .replacement($0) }
    }
}
