import Adapters
import GGUF

/// An adapter as this model applies it: per decoder layer, the updates of the projections
/// it touches; per SigLIP layer, the same for the vision tower; the whole matrices it puts in
/// place of the embedding or the output (PEFT `modules_to_save`); and the user's scale
/// (`--lora FILE:0.5`) on top of each update's own. Several can be active at once; each
/// adds its own updates.
public struct ModelAdapter: Sendable {
    /// What the status bar and report stamps call it (the file name).
    public let name: String
    /// sha256 of the adapter's weights file, for the stamps.
    public let sha256: String
    /// `layers[l][target]`; as many entries as the model has layers.
    public let layers: [[TextProjection: LoRAUpdate]]
    /// `visionLayers[l][target]` for the SigLIP tower's layers; empty when the adapter has no
    /// vision LoRA.
    public let visionLayers: [[VisionProjection: LoRAUpdate]]
    /// In place of `token_embd.weight` (still scaled by √d, as PEFT's copy of Gemma's scaled
    /// embedding module is).
    public let tokenEmbedding: GGUFTensor?
    /// In place of the output projection — Gemma ties it to the embedding; a PEFT `lm_head`
    /// copy unties them.
    public let output: GGUFTensor?
    /// Multiplies every LoRA update. A replaced matrix is not scaled: it is on while the
    /// scale is not 0 (PEFT's `scaling` does not reach `modules_to_save` either).
    public var userScale: Float

    public init(name: String, sha256: String, layers: [[TextProjection: LoRAUpdate]],
                visionLayers: [[VisionProjection: LoRAUpdate]] = [], tokenEmbedding: GGUFTensor? = nil,
                output: GGUFTensor? = nil, userScale: Float = 1) {
        self.name = name
        self.sha256 = sha256
        self.layers = layers
        self.visionLayers = visionLayers
        self.tokenEmbedding = tokenEmbedding
        self.output = output
        self.userScale = userScale
    }

    /// Whether any layer updates `target` in layer `l`.
    func touches(_ l: Int, _ target: TextProjection) -> Bool { l < layers.count && layers[l][target] != nil }

    /// Whether it changes what the vision tower computes (image embeddings made without it
    /// are not its images).
    public var changesVision: Bool { visionLayers.contains { !$0.isEmpty } }

    /// Whether it brings whole matrices in place of the model's.
    public var replacesMatrices: Bool { tokenEmbedding != nil || output != nil }
}
