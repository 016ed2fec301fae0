import GGUF

/// Gemma 3 hyper-parameters, decoded from the GGUF metadata (never hard-coded sizes), plus
/// the per-layer values llama.cpp derives from them (ENGINE.md §3.1, §3.3).
public struct GemmaConfig: Sendable, Equatable {
    public let embeddingLength: Int          // d
    public let layerCount: Int               // L
    public let headCount: Int                // H
    public let kvHeadCount: Int              // Hk
    public let headDim: Int                  // D (key_length)
    public let valueDim: Int                 // Dv
    public let feedForwardLength: Int        // F
    public let vocabularySize: Int           // rows of token_embd
    public let trainingContext: Int
    public let rmsEpsilon: Float
    /// RoPE base of the global layers (`rope.freq_base`); local layers always use 10000.
    public let globalRopeBase: Float
    /// Position multiplier of the global layers: 1 / `rope.scaling.factor` for linear scaling.
    public let globalRopeScale: Float
    public let localRopeBase: Float
    public let slidingWindow: Int
    /// Query pre-scale α (H4): 1/sqrt(d/H) for the 62-layer 27B, else 1/sqrt(D).
    public let queryScale: Float
    /// `final_logit_softcapping` when the file carries one (Gemma 3 files normally do not).
    public let finalLogitSoftcap: Float?

    /// Every sixth layer (5, 11, 17, …) attends globally; the others see a sliding window.
    public func isGlobal(layer: Int) -> Bool { layer % 6 == 5 }

    public func ropeBase(layer: Int) -> Float { isGlobal(layer: layer) ? globalRopeBase : localRopeBase }
    public func ropeScale(layer: Int) -> Float { isGlobal(layer: layer) ? globalRopeScale : 1 }

    public init(file: GGUFFile) throws(GGUFError) {
        let m = file.metadata
        let arch = try m.string("general.architecture")
        guard arch == "gemma3" else {
            throw GGUFError(file: file.path, .invalidValue(key: "general.architecture",
                reason: "\"\(arch ?? "missing")\" is not a Gemma 3 text model (expected \"gemma3\")"))
        }
        func required(_ key: String) throws(GGUFError) -> Int {
            guard let v = try m.int("gemma3." + key) else { throw GGUFError(file: file.path, .missingKey("gemma3." + key)) }
            guard v > 0 else { throw GGUFError(file: file.path, .invalidValue(key: "gemma3." + key, reason: "must be positive, is \(v)")) }
            return v
        }
        func uniform(_ key: String, default value: Int? = nil) throws(GGUFError) -> Int {
            guard let values = try m.intOrPerLayer("gemma3." + key) else {
                if let value { return value }
                throw GGUFError(file: file.path, .missingKey("gemma3." + key))
            }
            guard let first = values.first, first > 0, values.allSatisfy({ $0 == first }) else {
                throw GGUFError(file: file.path, .invalidValue(key: "gemma3." + key, reason: "per-layer values that differ are not supported"))
            }
            return first
        }
        embeddingLength = try required("embedding_length")
        layerCount = try required("block_count")
        headCount = try uniform("attention.head_count")
        kvHeadCount = try uniform("attention.head_count_kv", default: headCount)
        headDim = try m.int("gemma3.attention.key_length") ?? embeddingLength / headCount
        valueDim = try m.int("gemma3.attention.value_length") ?? headDim
        feedForwardLength = try uniform("feed_forward_length")
        trainingContext = try m.int("gemma3.context_length") ?? 8192
        rmsEpsilon = Float(try m.float("gemma3.attention.layer_norm_rms_epsilon") ?? 1e-6)
        globalRopeBase = Float(try m.float("gemma3.rope.freq_base") ?? 10000)
        let scalingType = try m.string("gemma3.rope.scaling.type") ?? "linear"
        let factor = try m.float("gemma3.rope.scaling.factor") ?? 0
        globalRopeScale = (scalingType == "linear" && factor > 0) ? Float(1 / factor) : 1
        localRopeBase = 10000
        slidingWindow = try m.int("gemma3.attention.sliding_window") ?? 0
        queryScale = layerCount == 62 ? 1 / Float(embeddingLength / headCount).squareRoot() : 1 / Float(headDim).squareRoot()
        let cap = try m.float("gemma3.final_logit_softcapping") ?? 0
        finalLogitSoftcap = cap > 0 ? Float(cap) : nil

        guard headCount % kvHeadCount == 0 else {
            throw GGUFError(file: file.path, .invalidValue(key: "gemma3.attention.head_count_kv",
                reason: "\(kvHeadCount) does not divide the \(headCount) query heads"))
        }
        guard headDim % 2 == 0, valueDim == headDim else {
            throw GGUFError(file: file.path, .invalidValue(key: "gemma3.attention.key_length", reason: "head size \(headDim)/\(valueDim) not supported"))
        }
        guard let embd = file.info(named: "token_embd.weight") else { throw GGUFError(file: file.path, .missingTensor("token_embd.weight")) }
        guard embd.shape.count == 2, embd.shape[0] == embeddingLength else {
            throw GGUFError(file: file.path, .wrongTensorShape(tensor: "token_embd.weight", expected: [embeddingLength, -1], found: embd.shape))
        }
        vocabularySize = embd.shape[1]
    }
}

extension GemmaConfig {
    /// A configuration from its sizes, for shapes no test file carries (the 4B model's KV
    /// cache size, say); the derived values follow the same rules as `init(file:)`.
    init(embeddingLength: Int, layerCount: Int, headCount: Int, kvHeadCount: Int, headDim: Int,
         feedForwardLength: Int, vocabularySize: Int, slidingWindow: Int, trainingContext: Int = 131_072,
         globalRopeBase: Float = 1_000_000, globalRopeScale: Float = 1, rmsEpsilon: Float = 1e-6) {
        self.embeddingLength = embeddingLength
        self.layerCount = layerCount
        self.headCount = headCount
        self.kvHeadCount = kvHeadCount
        self.headDim = headDim
        valueDim = headDim
        self.feedForwardLength = feedForwardLength
        self.vocabularySize = vocabularySize
        self.trainingContext = trainingContext
        self.rmsEpsilon = rmsEpsilon
        self.globalRopeBase = globalRopeBase
        self.globalRopeScale = globalRopeScale
        localRopeBase = 10000
        self.slidingWindow = slidingWindow
        queryScale = layerCount == 62 ? 1 / Float(embeddingLength / headCount).squareRoot() : 1 / Float(headDim).squareRoot()
        finalLogitSoftcap = nil
    }
}
