import Foundation
import GGUF
import Kernels

/// The Gemma 3 decoder (ENGINE.md §3.4), written to read like the paper:
///
///     x = embed(tokens)                                 scaled embeddings
///     for each layer:
///         x = x + norm(attention(norm(x)))              grouped-query attention, RoPE, masks
///         x = x + norm(W_down · GeGLU(norm(x)))         gated feed-forward
///     logits = W_out · norm(x)
///
/// The blocks below say only that. How each product is computed — quantized decode
/// mat-vecs, dequantize-and-sgemm batches, fused or not, fast or reference — is decided one
/// level down (`linear`, `projectQKV`, `geglu`, `attention`), from `precision` and the
/// number of rows, so the model code does not change when a kernel does.
public final class GemmaModel: @unchecked Sendable {
    public let file: GGUFFile
    public let config: GemmaConfig
    public let weights: GemmaWeights
    /// `.fast` (default): quantized activations and integer dot products for decode, an f16
    /// KV cache — as llama.cpp does. `.reference`: every product with weights dequantized to
    /// f32, f32 activations and an f32 cache — the plain path the fast one is tested against.
    public var precision: Precision = .fast
    /// LoRA adapters applied on the fly, each adding `scale · B·(A·x)` to the products it
    /// updates (`LoRAUpdate`); swapped between requests without touching the weights.
    public var adapters: [ModelAdapter] = [] {
        didSet { adapterGeneration += 1 }
    }
    /// Counts changes of `adapters`: a KV cache filled under another generation holds keys
    /// and values other weights made, and is run again (`Conversation.forgetIfStale`).
    public private(set) var adapterGeneration = 0

    public enum Precision: Sendable { case fast, reference }

    public init(file: GGUFFile) throws(GGUFError) {
        self.file = file
        config = try GemmaConfig(file: file)
        weights = try GemmaWeights(file: file, config: config)
    }

    public convenience init(path: String) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path, residency: .memoryIfItFits))
    }

    /// A cache for `capacity` positions in the element type of the current precision.
    public func makeCache(capacity: Int) -> KVCache {
        KVCache(config: config, capacity: capacity, storage: precision == .reference ? .f32 : .f16)
    }

    /// Input rows for one forward pass: token ids (embedded and scaled by sqrt(d)) or
    /// ready-made embedding rows (image tokens; not scaled, attended non-causally).
    public enum Input {
        case tokens([Int32])
        case embeddings([Float], count: Int)

        /// Tokens attend causally (M1); an image's rows also see the rest of their image (M3).
        var isCausal: Bool {
            if case .tokens = self { return true }
            return false
        }
    }

    /// Runs `input` at positions `cache.count ..< cache.count + n`, appends to the cache, and
    /// returns the logits of the last row (the last `lastLogitRows` rows, or every row when
    /// `allLogits`), row after row.
    public func forward(_ input: Input, cache: KVCache, allLogits: Bool = false, lastLogitRows: Int = 1) throws -> [Float] {
        var x = try embed(input)
        let n = x.count / config.embeddingLength
        guard n > 0 else { return [] }
        try cache.reserve(rows: n)
        let batch = Batch(config: config, cache: cache, rows: n, causal: input.isCausal)
        runLayers(&x, batch)
        cache.commit(rows: n)
        return logits(x, rows: n, keeping: allLogits ? n : max(1, min(n, lastLogitRows)))
    }

    /// Every layer over the rows `x` of `batch`.
    func runLayers(_ x: inout [Float], _ batch: Batch) {
        let buffers = LayerBuffers(config: config, rows: batch.rows)
        for layer in 0..<config.layerCount {
            attentionBlock(layer, &x, batch, buffers)
            feedForwardBlock(layer, &x, batch, buffers)
        }
    }

    /// (T1) Token rows `E[t] · sqrt(d)`; image rows as given (I2: not scaled).
    func embed(_ input: Input) throws -> [Float] {
        let d = config.embeddingLength
        switch input {
        case .embeddings(let rows, let count):
            precondition(rows.count == count * d, "embedding rows must be count × d")
            return rows
        case .tokens(let tokens):
            var x = [Float](repeating: 0, count: tokens.count * d)
            let scale = Float(d).squareRoot(), table = tokenEmbedding
            try x.withUnsafeMutableBufferPointer { xb in
                for (i, t) in tokens.enumerated() {
                    guard t >= 0, Int(t) < config.vocabularySize else { throw TokenOutOfRangeError(token: t, vocabulary: config.vocabularySize) }
                    let row = UnsafeMutableBufferPointer(rebasing: xb[(i * d)..<(i * d + d)])
                    dequantize(table.type, table.row(Int(t)), into: row)
                    for j in 0..<d { row[j] *= scale }
                }
            }
            return x
        }
    }

    /// (T3–T11) `x ← x + RMSNorm(W_o · attention(q, k, v); post_attention_norm)`, with q, k, v
    /// projected from `RMSNorm(x; attn_norm)`, normalised per head and rotated; k and v are
    /// stored in the cache before the batch attends to it.
    private func attentionBlock(_ l: Int, _ x: inout [Float], _ batch: Batch, _ b: LayerBuffers) {
        let w = weights.layers[l], n = batch.rows, eps = config.rmsEpsilon
        rmsNormRows(x, w.attnNorm, into: &b.normed, rows: n, eps: eps)                         // (T3)
        projectQKV(w, b, rows: n)                                                              // (T4)
        addAdapters(l, .q, input: b.normed, rows: n, into: &b.q)
        addAdapters(l, .k, input: b.normed, rows: n, into: &b.k)
        addAdapters(l, .v, input: b.normed, rows: n, into: &b.v)
        normalizeAndRotate(w, b, rows: n, rope: batch.rope(layer: l))                          // (T5–T7)
        for part in batch.parts {
            store(b, part, in: batch, layer: l)
            attend(b, batch, layer: l, part)                                                   // (T8, T9)
        }
        linear(precision: precision, w.output, b.attended, rows: n, into: &b.projected)       // (T10)
        addAdapters(l, .output, input: b.attended, rows: n, into: &b.projected)
        addNormedRows(b.projected, w.postAttentionNorm, to: &x, rows: n, eps: eps)             // (T11)
    }

    /// (T12–T15) `x ← x + RMSNorm(W_down · GeGLU(RMSNorm(x; ffn_norm)); post_ffw_norm)`.
    private func feedForwardBlock(_ l: Int, _ x: inout [Float], _ batch: Batch, _ b: LayerBuffers) {
        let w = weights.layers[l], n = batch.rows, eps = config.rmsEpsilon
        rmsNormRows(x, w.ffnNorm, into: &b.normed, rows: n, eps: eps)                          // (T12)
        geglu(w, b, rows: n, layer: l)                                                         // (T13, T14)
        linear(precision: precision, w.down, b.gated, rows: n, into: &b.projected)            // (T13)
        addAdapters(l, .down, input: b.gated, rows: n, into: &b.projected)
        addNormedRows(b.projected, w.postFFNNorm, to: &x, rows: n, eps: eps)                   // (T15)
    }

    /// (T16–T18) The final norm and output projection of the last `keep` rows.
    func logits(_ x: [Float], rows n: Int, keeping keep: Int) -> [Float] {
        let d = config.embeddingLength
        var z = [Float](repeating: 0, count: keep * d)
        rmsNormRows(Array(x[((n - keep) * d)...]), weights.outputNorm, into: &z, rows: keep, eps: config.rmsEpsilon)
        var logits = [Float](repeating: 0, count: keep * config.vocabularySize)
        linear(precision: precision, outputProjection, z, rows: keep, into: &logits)
        if let cap = config.finalLogitSoftcap {
            for i in 0..<logits.count { logits[i] = cap * tanh(logits[i] / cap) }
        }
        return logits
    }

    /// The keys and values of one part's rows, into the cache at the part's positions.
    private func store(_ b: LayerBuffers, _ part: Batch.Part, in batch: Batch, layer l: Int) {
        let kv = batch.cache.rowLength, rows = part.rows
        b.k.withUnsafeBufferPointer { k in
            b.v.withUnsafeBufferPointer { v in
                batch.cache.store(layer: l, keys: k.baseAddress! + rows.lowerBound * kv, values: v.baseAddress! + rows.lowerBound * kv,
                                  rows: rows.count, at: part.start)
            }
        }
    }

    /// (T8, T9, M1–M3) One part's queries against the layer's cached keys and values.
    private func attend(_ b: LayerBuffers, _ batch: Batch, layer l: Int, _ part: Batch.Part) {
        let c = config, width = c.headCount * c.headDim, rows = part.rows
        b.q.withUnsafeBufferPointer { q in
            b.attended.withUnsafeMutableBufferPointer { out in
                attention(queries: q.baseAddress! + rows.lowerBound * width, rows: rows.count, firstPosition: part.start,
                          heads: c.headCount, headDim: c.headDim, keysAndValues: batch.cache.rows(layer: l),
                          kvHeads: c.kvHeadCount, mask: batch.mask(layer: l), into: out.baseAddress! + rows.lowerBound * width)
            }
        }
    }
}

/// Where one forward pass's rows sit: positions `start ..< start + rows` of `cache`, attended
/// causally (tokens) or as one block (an image's rows, M3), with the RoPE angles of those
/// positions computed once per (base, scale) pair and shared by every layer that uses it.
///
/// A batch may also end in several *branches*: continuations of the same prompt, each at
/// the positions right after it and seeing the prompt and its own rows only (one item's
/// answer options, scored in one pass). The rows before them — the *trunk*, the prompt's
/// last tokens — are an ordinary batch. A plain batch is a trunk of every row.
struct Batch {
    /// Rows attended together, at cache positions `start …`.
    struct Part {
        let rows: Range<Int>
        let start: Int
    }

    let cache: KVCache
    let start: Int
    let rows: Int
    let causal: Bool
    let config: GemmaConfig
    /// The trunk, then each branch; they store and attend one part at a time.
    let parts: [Part]
    private let ropes: [RopeTable]

    init(config: GemmaConfig, cache: KVCache, rows: Int, causal: Bool) {
        self.init(config: config, cache: cache, trunk: rows, branchLengths: [], causal: causal)
    }

    init(config: GemmaConfig, cache: KVCache, trunk: Int, branchLengths: [Int], causal: Bool = true) {
        self.cache = cache
        self.config = config
        self.causal = causal
        let start = cache.count
        self.start = start
        var parts: [Part] = trunk > 0 ? [Part(rows: 0..<trunk, start: start)] : []
        var row = trunk
        for length in branchLengths where length > 0 {
            parts.append(Part(rows: row..<(row + length), start: start + trunk))
            row += length
        }
        self.parts = parts
        rows = row
        let positions = parts.flatMap { $0.start..<($0.start + $0.rows.count) }
        var tables: [RopeTable] = []
        for l in 0..<config.layerCount {
            let base = config.ropeBase(layer: l), scale = config.ropeScale(layer: l)
            if !tables.contains(where: { $0.base == base && $0.scale == scale }) {
                tables.append(RopeTable(dim: config.headDim, positions: positions, base: base, scale: scale))
            }
        }
        ropes = tables
    }

    /// (T6, H3) The angles of layer `l`'s RoPE base and scale.
    func rope(layer l: Int) -> RopeTable {
        let base = config.ropeBase(layer: l), scale = config.ropeScale(layer: l)
        return ropes.first { $0.base == base && $0.scale == scale }!
    }

    /// (M1–M3, H1–H2) Global layers see every earlier key, local layers a window of them;
    /// an image's rows also see the rest of their image.
    func mask(layer l: Int) -> AttentionMask {
        let window = config.isGlobal(layer: l) || config.slidingWindow <= 0 ? nil : config.slidingWindow
        return causal ? AttentionMask(causal: true, window: window) : .bidirectional(window: window)
    }
}

/// A token id outside the vocabulary was given to the model.
public struct TokenOutOfRangeError: Error, CustomStringConvertible {
    public let token: Int32
    public let vocabulary: Int
    public var description: String { "token id \(token) is outside the vocabulary (0..<\(vocabulary))" }
}
