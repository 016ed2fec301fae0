import GGUF

/// What running a model will take in memory, from its header alone (issue 15): the weights
/// (every tensor is read, whether mapped or copied into memory), the KV cache at the chosen
/// context (f16, the local layers' rings of `window + batch` rows, `KVCache.byteCount`), the
/// vision tower when one is paired, LoRA adapters (`adapters`: what `AdapterFootprint`
/// says they hold), the working buffers of a prefill batch, and what the
/// process itself holds (tokenizer, runtime).
///
/// The buffers and the fixed part were measured, not derived: peak RSS of `medgemma ask`
/// filling its context, on the 270M model and on the MedGemma 4B-shaped file (README,
/// "Memory planning"). Everything else is arithmetic on the tensor table and the config.
public struct MemoryEstimate: Sendable, Equatable {
    public var weights: Int
    public var kvCache: Int
    public var vision: Int
    /// LoRA adapters: their matrices as f32, and whole replaced matrices as stored.
    public var adapters: Int
    public var buffers: Int
    public var fixed: Int

    public var total: Int { weights + kvCache + vision + adapters + buffers + fixed }

    /// The process itself: runtime, libraries, the tokenizer's tables.
    public static let fixedBytes = 48 << 20

    /// The estimate for the text model `file` at `contextSize`, with the vision part
    /// `mmproj` when given, and LoRA adapters holding `adapterBytes`. Both files may be
    /// header-only files (`GGUFFile(headerOf:)`).
    public init(model file: GGUFFile, contextSize: Int, mmproj: GGUFFile? = nil, adapterBytes: Int = 0,
                storage: KVCache.Storage = .f16) throws(GGUFError) {
        let config = try GemmaConfig(file: file)
        adapters = adapterBytes
        weights = file.tensorBytes
        let batch = Engine.prefillBatch
        kvCache = KVCache.byteCount(config: config, capacity: max(1, contextSize), storage: storage, batchSize: batch)
        buffers = Self.prefillBuffers(config, batch: batch, contextSize: contextSize)
        fixed = Self.fixedBytes
        if let mmproj {
            let vision = try VisionConfig(file: mmproj)
            self.vision = mmproj.tensorBytes + Self.visionBuffers(vision)
        } else {
            vision = 0
        }
    }

    /// A prefill batch's activations (T1–T9 in ENGINE.md): the residual, the normed rows,
    /// queries, keys and values, the attention's output, the gate and up products, the
    /// scores of one head's rows against the whole context, and the last rows' logits.
    static func prefillBuffers(_ c: GemmaConfig, batch n: Int, contextSize: Int) -> Int {
        let perRow = 3 * c.embeddingLength + 2 * c.headCount * c.headDim + 2 * c.kvHeadCount * c.headDim
            + 2 * c.feedForwardLength
        let scores = n * min(contextSize, max(n, c.slidingWindow))
        return 4 * (n * perRow + scores + 2 * c.vocabularySize)
    }

    /// The SigLIP tower's activations for one picture: every patch's hidden rows (the
    /// residual, normed, q, k, v, output) and MLP rows, and one head's attention scores.
    static func visionBuffers(_ v: VisionConfig) -> Int {
        let patches = v.patchCount
        return 4 * (patches * (6 * v.hiddenSize + 2 * v.feedForwardLength) + patches * patches + patches * v.patchValues)
    }
}
