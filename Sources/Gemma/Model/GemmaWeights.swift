import GGUF

/// The Gemma 3 decoder's tensors, looked up by their GGUF names and shape-checked once,
/// so the forward pass can use them without further checks. All views are zero-copy.
public struct GemmaWeights: @unchecked Sendable {
    public struct Layer: @unchecked Sendable {
        public let attnNorm: [Float]
        public let q: GGUFTensor, k: GGUFTensor, v: GGUFTensor, output: GGUFTensor
        public let qNorm: [Float], kNorm: [Float]
        public let postAttentionNorm: [Float]
        public let ffnNorm: [Float]
        public let gate: GGUFTensor, up: GGUFTensor, down: GGUFTensor
        public let postFFNNorm: [Float]
    }

    public let tokenEmbedding: GGUFTensor
    /// `output.weight` when present, else the tied `token_embd.weight`.
    public let outputProjection: GGUFTensor
    public let outputNorm: [Float]
    public let layers: [Layer]

    public init(file: GGUFFile, config c: GemmaConfig) throws(GGUFError) {
        func matrix(_ name: String, _ nIn: Int, _ nOut: Int) throws(GGUFError) -> GGUFTensor {
            let t = try file.requireTensor(name)
            guard t.shape == [nIn, nOut] else {
                throw GGUFError(file: file.path, .wrongTensorShape(tensor: name, expected: [nIn, nOut], found: t.shape))
            }
            return t
        }
        /// Norm weights are small: read once into Float arrays (F32 in every known file).
        func vector(_ name: String, _ n: Int) throws(GGUFError) -> [Float] {
            let t = try file.requireTensor(name)
            guard t.shape == [n] else { throw GGUFError(file: file.path, .wrongTensorShape(tensor: name, expected: [n], found: t.shape)) }
            guard t.type == .f32 else {
                throw GGUFError(file: file.path, .invalidValue(key: name, reason: "norm weights must be F32, found \(t.type.name)"))
            }
            return t.data.withMemoryRebound(to: Float.self) { Array($0) }
        }
        let d = c.embeddingLength
        tokenEmbedding = try matrix("token_embd.weight", d, c.vocabularySize)
        outputProjection = file.tensor(named: "output.weight") != nil ? try matrix("output.weight", d, c.vocabularySize) : tokenEmbedding
        outputNorm = try vector("output_norm.weight", d)
        var layers: [Layer] = []
        for i in 0..<c.layerCount {
            let p = "blk.\(i)."
            layers.append(Layer(
                attnNorm: try vector(p + "attn_norm.weight", d),
                q: try matrix(p + "attn_q.weight", d, c.headCount * c.headDim),
                k: try matrix(p + "attn_k.weight", d, c.kvHeadCount * c.headDim),
                v: try matrix(p + "attn_v.weight", d, c.kvHeadCount * c.headDim),
                output: try matrix(p + "attn_output.weight", c.headCount * c.headDim, d),
                qNorm: try vector(p + "attn_q_norm.weight", c.headDim),
                kNorm: try vector(p + "attn_k_norm.weight", c.headDim),
                postAttentionNorm: try vector(p + "post_attention_norm.weight", d),
                ffnNorm: try vector(p + "ffn_norm.weight", d),
                gate: try matrix(p + "ffn_gate.weight", d, c.feedForwardLength),
                up: try matrix(p + "ffn_up.weight", d, c.feedForwardLength),
                down: try matrix(p + "ffn_down.weight", c.feedForwardLength, d),
                postFFNNorm: try vector(p + "post_ffw_norm.weight", d)))
        }
        self.layers = layers
    }
}
