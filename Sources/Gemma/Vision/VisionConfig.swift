import GGUF

/// The vision tower's hyper-parameters, decoded from an mmproj GGUF's `clip.*` metadata
/// (ENGINE.md §7.1), never hard-coded: the same code runs MedGemma's 896-pixel, 27-layer
/// SigLIP and the tiny test tower.
///
/// Only the Gemma 3 projector is supported; any other `clip.projector_type` (LLaVA, Idefics,
/// …) is a one-line error naming the file, because the pooling and projection differ.
public struct VisionConfig: Sendable, Equatable {
    /// Side of the square input image in pixels (`clip.vision.image_size`).
    public let imageSize: Int
    /// Side of one square patch (`clip.vision.patch_size`).
    public let patchSize: Int
    /// SigLIP width (`clip.vision.embedding_length`).
    public let hiddenSize: Int
    public let headCount: Int
    public let layerCount: Int
    public let feedForwardLength: Int
    /// ε of every LayerNorm and of the projector's RMSNorm (HF uses `layer_norm_eps` for both).
    public let layerNormEpsilon: Float
    /// Per-channel normalisation the preprocessing applies: `(u/255 − mean)/std`.
    public let imageMean: [Float]
    public let imageStd: [Float]
    public let projectorType: String
    /// Width of the projector's output rows: must equal the text model's embedding width.
    public let projectionDim: Int
    /// Average-pool kernel and stride over the patch grid (`clip.vision.projector.scale_factor`,
    /// 4 when absent, as llama.cpp assumes for every released Gemma 3).
    public let poolKernel: Int

    public var headDim: Int { hiddenSize / headCount }
    /// Patches along one side of the image, and in all.
    public var patchesPerSide: Int { imageSize / patchSize }
    public var patchCount: Int { patchesPerSide * patchesPerSide }
    /// Values in one flattened patch: 3 channels × patchSize².
    public var patchValues: Int { 3 * patchSize * patchSize }
    /// Soft tokens one image becomes (256 for MedGemma: 64×64 patches pooled 4×4 → 16×16).
    public var tokensPerSide: Int { patchesPerSide / poolKernel }
    public var tokensPerImage: Int { tokensPerSide * tokensPerSide }

    public init(file: GGUFFile) throws(GGUFError) {
        let m = file.metadata
        let arch = try m.string("general.architecture")
        guard arch == "clip" else {
            throw GGUFError(file: file.path, .invalidValue(key: "general.architecture",
                reason: "\"\(arch ?? "missing")\" is not a vision projector (an mmproj file has \"clip\")"))
        }
        if try m.bool("clip.has_vision_encoder") == false {
            throw GGUFError(file: file.path, .invalidValue(key: "clip.has_vision_encoder", reason: "the file has no vision encoder"))
        }
        // Files with several modalities name the vision projector separately.
        let typeKey = m.contains("clip.vision.projector_type") ? "clip.vision.projector_type" : "clip.projector_type"
        guard let type = try m.string(typeKey) else { throw GGUFError(file: file.path, .missingKey(typeKey)) }
        guard type == "gemma3" else {
            throw GGUFError(file: file.path, .invalidValue(key: typeKey,
                reason: "projector \"\(type)\" is not supported (only Gemma 3's \"gemma3\")"))
        }
        projectorType = type
        if try m.bool("clip.use_silu") == true {
            throw GGUFError(file: file.path, .invalidValue(key: "clip.use_silu", reason: "SigLIP for Gemma 3 uses GELU, not SiLU"))
        }

        func required(_ key: String) throws(GGUFError) -> Int {
            guard let v = try m.int(key) else { throw GGUFError(file: file.path, .missingKey(key)) }
            guard v > 0 else { throw GGUFError(file: file.path, .invalidValue(key: key, reason: "must be positive, is \(v)")) }
            return v
        }
        func invalid(_ key: String, _ reason: String) -> GGUFError {
            GGUFError(file: file.path, .invalidValue(key: key, reason: reason))
        }
        imageSize = try required("clip.vision.image_size")
        patchSize = try required("clip.vision.patch_size")
        hiddenSize = try required("clip.vision.embedding_length")
        headCount = try required("clip.vision.attention.head_count")
        layerCount = try required("clip.vision.block_count")
        feedForwardLength = try required("clip.vision.feed_forward_length")
        projectionDim = try required("clip.vision.projection_dim")
        poolKernel = m.contains("clip.vision.projector.scale_factor") ? try required("clip.vision.projector.scale_factor") : 4
        let eps = try m.float("clip.vision.attention.layer_norm_epsilon") ?? 1e-6
        guard eps > 0, eps < 1 else { throw invalid("clip.vision.attention.layer_norm_epsilon", "\(eps) is not a small positive number") }
        layerNormEpsilon = Float(eps)
        imageMean = try m.floatArray("clip.vision.image_mean") ?? [0.5, 0.5, 0.5]
        imageStd = try m.floatArray("clip.vision.image_std") ?? [0.5, 0.5, 0.5]

        guard imageMean.count == 3 else { throw invalid("clip.vision.image_mean", "needs 3 values, has \(imageMean.count)") }
        guard imageStd.count == 3, imageStd.allSatisfy({ $0 > 0 }) else {
            throw invalid("clip.vision.image_std", "needs 3 positive values, has \(imageStd)")
        }
        guard imageSize % patchSize == 0 else {
            throw invalid("clip.vision.patch_size", "\(patchSize) does not divide the image size \(imageSize)")
        }
        guard hiddenSize % headCount == 0 else {
            throw invalid("clip.vision.attention.head_count", "\(headCount) does not divide the width \(hiddenSize)")
        }
        guard (imageSize / patchSize) % poolKernel == 0 else {
            throw invalid("clip.vision.projector.scale_factor",
                          "pool kernel \(poolKernel) does not divide the \(imageSize / patchSize) patches per side")
        }
        // Keeps every buffer size below overflow even for a hostile file.
        guard imageSize <= 1 << 14, hiddenSize <= 1 << 16, feedForwardLength <= 1 << 18, projectionDim <= 1 << 18,
              layerCount <= 1 << 10 else {
            throw invalid("clip.vision.image_size", "sizes too large for a vision tower")
        }
    }

    /// Checks that the projector's output rows have the text model's width, so the image
    /// embeddings can stand in for token embeddings.
    public func checkTextWidth(_ width: Int, file: String) throws(GGUFError) {
        guard projectionDim == width else {
            throw GGUFError(file: file, .invalidValue(key: "clip.vision.projection_dim",
                reason: "the projector outputs \(projectionDim)-wide embeddings but the text model is \(width) wide (an mmproj for another model?)"))
        }
    }
}
