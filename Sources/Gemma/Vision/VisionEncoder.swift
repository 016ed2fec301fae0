import GGUF

/// The vision tower of a Gemma 3 / MedGemma model, loaded from the llama.cpp `mmproj` GGUF
/// that sits beside the text model: SigLIP encoder + Gemma 3 projector. One image in, the
/// rows that stand in for its soft tokens in the prompt out (ENGINE.md §7).
///
/// Loading checks everything before any arithmetic: the projector type, that the output
/// width matches the text model's, and every tensor's name and shape. Each failure is a
/// one-line `GGUFError` naming the file.
public final class VisionEncoder: @unchecked Sendable {
    public let file: GGUFFile
    public let config: VisionConfig
    public let weights: VisionWeights
    private let projector: Gemma3Projector
    /// How the tower's matrix products run: `.fast` (the default) takes the matrix kernels of
    /// the weight type where the CPU has them — bf16 `vdpbf16ps` for F16/BF16 weights, int8
    /// VNNI for Q8_0, and then the attention in bf16 too (`bf16Attention`) — and `.reference`
    /// keeps them all in f32 (dequantize + sgemm), the exact path. An F32 file stays all f32
    /// in both. Set it before encoding; not safe to change while another thread encodes.
    public var precision: GemmaModel.Precision
    /// The adapters whose vision-tower LoRA the encoder applies (`setAdapters`); the text
    /// parts of the same adapters are the model's business. Not safe to change while another
    /// thread encodes.
    public private(set) var adapters: [ModelAdapter] = []

    /// `textWidth`: the text model's embedding width (`GemmaConfig.embeddingLength`).
    public init(file: GGUFFile, textWidth: Int, precision: GemmaModel.Precision = .fast) throws(GGUFError) {
        self.file = file
        config = try VisionConfig(file: file)
        try config.checkTextWidth(textWidth, file: file.path)
        weights = try VisionWeights(file: file, config: config)
        projector = Gemma3Projector(config: config, weights: weights)
        self.precision = precision
    }

    public convenience init(path: String, textWidth: Int, precision: GemmaModel.Precision = .fast) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path), textWidth: textWidth, precision: precision)
    }

    /// The vision tower for `model`, from the mmproj file at `path`, at the model's precision
    /// (as it is now; later changes to the model's precision don't reach the encoder).
    public convenience init(path: String, for model: GemmaModel) throws(GGUFError) {
        try self.init(path: path, textWidth: model.config.embeddingLength, precision: model.precision)
    }

    /// Soft tokens per image (256 for MedGemma).
    public var tokensPerImage: Int { config.tokensPerImage }

    /// The image embeddings for one image: `tokensPerImage × textWidth` floats, row after row.
    /// `pixels` are the normalised channel planes (R, G, B), `imageSize²` values each, row-major.
    public func encode(pixels: [Float]) throws(VisionInputError) -> [Float] {
        projector(try patchFeatures(pixels: pixels))
    }

    /// The SigLIP output before the projector (`patchCount × hidden`), for inspection and tests.
    public func patchFeatures(pixels: [Float]) throws(VisionInputError) -> [Float] {
        let expected = 3 * config.imageSize * config.imageSize
        guard pixels.count == expected else {
            throw VisionInputError(expected: expected, found: pixels.count, imageSize: config.imageSize)
        }
        return SigLIPEncoder(config: config, weights: weights.with(precision: precision, adapters: adapters))(pixels)
    }

    /// Applies the vision-tower LoRA of `adapters` (checked against this tower first: one
    /// made for another refuses in one line, and nothing changes) to images encoded from now
    /// on. An adapter without vision LoRA changes nothing here.
    public func setAdapters(_ adapters: [ModelAdapter]) throws(ModelAdapter.MismatchError) {
        for adapter in adapters { try adapter.checkVision(config) }
        self.adapters = adapters.filter(\.changesVision)
    }

    /// "sha256:scale" of each applied adapter that changes the tower, in order: what an
    /// embedding made now depends on besides the mmproj (cache keys); empty without one.
    public var adapterFingerprint: String {
        adapters.filter { $0.userScale != 0 }.map { "\($0.sha256):\(String($0.userScale.bitPattern, radix: 16))" }
            .joined(separator: ",")
    }
}
