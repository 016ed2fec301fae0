import Foundation
import GGUF
import Kernels

/// The Gemma 3 decoder forward pass (GEMMA3.md §3.4), reading top to bottom like the paper:
/// scaled embeddings → per layer: RMSNorm, Q/K/V, per-head Q/K norm, RoPE (local/global
/// bases), grouped-query attention with the sliding-window mask on local layers, output
/// projection, post-attention norm, GeGLU feed-forward with pre/post norms → final norm →
/// tied output projection.
public final class GemmaModel: @unchecked Sendable {
    public let file: GGUFFile
    public let config: GemmaConfig
    public let weights: GemmaWeights
    /// `.fast` (default): quantized activations and integer dot products for decode, as
    /// llama.cpp does. `.reference`: every product with weights dequantized to f32 and f32
    /// activations — the plain path the fast one is tested against.
    public var precision: Precision = .fast

    public enum Precision: Sendable { case fast, reference }

    public init(file: GGUFFile) throws(GGUFError) {
        self.file = file
        config = try GemmaConfig(file: file)
        weights = try GemmaWeights(file: file, config: config)
    }

    public convenience init(path: String) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path))
    }

    public func makeCache(capacity: Int) -> KVCache { KVCache(config: config, capacity: capacity) }

    /// Input rows for one forward pass: token ids (embedded and scaled by sqrt(d)) or
    /// ready-made embedding rows (image tokens; not scaled, attended non-causally).
    public enum Input {
        case tokens([Int32])
        case embeddings([Float], count: Int)
    }

    /// Runs `input` at positions `cache.count ..< cache.count + n`, appends to the cache, and
    /// returns the logits of the last row (the last `lastLogitRows` rows, or every row when
    /// `allLogits`), row after row.
    public func forward(_ input: Input, cache: KVCache, allLogits: Bool = false, lastLogitRows: Int = 1) throws -> [Float] {
        let c = config
        let d = c.embeddingLength
        let n: Int
        var x: [Float]
        var causal = true
        switch input {
        case .tokens(let tokens):
            n = tokens.count
            x = [Float](repeating: 0, count: n * d)
            let scale = Float(d).squareRoot()
            try x.withUnsafeMutableBufferPointer { xb in
                for (i, t) in tokens.enumerated() {
                    guard t >= 0, Int(t) < c.vocabularySize else { throw TokenOutOfRangeError(token: t, vocabulary: c.vocabularySize) }
                    let row = UnsafeMutableBufferPointer(rebasing: xb[(i * d)..<(i * d + d)])
                    dequantize(weights.tokenEmbedding.type, weights.tokenEmbedding.row(Int(t)), into: row)
                    for j in 0..<d { row[j] *= scale }
                }
            }
        case .embeddings(let rows, let count):
            precondition(rows.count == count * d, "embedding rows must be count × d")
            n = count
            x = rows
            causal = false
        }
        guard n > 0 else { return [] }
        let start = cache.count
        guard start + n <= cache.capacity else { throw ContextFullError(capacity: cache.capacity, needed: start + n) }

        let qDim = c.headCount * c.headDim
        let kvDim = c.kvHeadCount * c.headDim
        var h = [Float](repeating: 0, count: n * d)
        var q = [Float](repeating: 0, count: n * qDim)
        var attn = [Float](repeating: 0, count: n * qDim)
        var proj = [Float](repeating: 0, count: n * d)
        var gate = [Float](repeating: 0, count: n * c.feedForwardLength)
        // One row (decode): fused mat-vecs, activations quantized once per matrix group.
        let fused = precision == .fast && n == 1
        // The fused GeGLU writes gate ⊙ GELU(up) directly; only the unfused path needs `up`.
        var up = [Float](repeating: 0, count: fused ? 0 : n * c.feedForwardLength)

        // RoPE angles depend only on (position, base, scale): one cos/sin table per distinct
        // pair of the layers, shared by every head and layer that uses it (T6).
        var ropeTables: [RopeTable] = []
        func ropeTable(layer l: Int) -> RopeTable {
            let base = c.ropeBase(layer: l), scale = c.ropeScale(layer: l)
            if let t = ropeTables.first(where: { $0.base == base && $0.scale == scale }) { return t }
            let t = RopeTable(dim: c.headDim, positions: start..<(start + n), base: base, scale: scale)
            ropeTables.append(t)
            return t
        }

        for (l, w) in weights.layers.enumerated() {
            // (T3) pre-attention norm; (T4) projections; K and V go straight into the cache.
            rmsNormRows(x, w.attnNorm, into: &h, rows: n, eps: c.rmsEpsilon)
            let kOut = cache.keys[l] + start * kvDim
            let vOut = cache.values[l] + start * kvDim
            if fused {
                h.withUnsafeBufferPointer { hb in
                    q.withUnsafeMutableBufferPointer { qb in
                        matVec([MatVecTarget(w.q, into: qb),
                                MatVecTarget(w.k, into: UnsafeMutableBufferPointer(start: kOut, count: kvDim)),
                                MatVecTarget(w.v, into: UnsafeMutableBufferPointer(start: vOut, count: kvDim))], x: hb)
                    }
                }
            } else {
                linear(precision: precision, w.q, h, rows: n, into: &q)
                linear(precision: precision, w.k, h, rows: n, into: UnsafeMutableBufferPointer(start: kOut, count: n * kvDim))
                linear(precision: precision, w.v, h, rows: n, into: UnsafeMutableBufferPointer(start: vOut, count: n * kvDim))
            }
            // (T5) per-head norms, (T6) RoPE, (T7) query pre-scale.
            let table = ropeTable(layer: l)
            q.withUnsafeMutableBufferPointer { qb in
                w.qNorm.withUnsafeBufferPointer { qn in
                    w.kNorm.withUnsafeBufferPointer { kn in
                        let qp = qb.baseAddress!, qnp = qn.baseAddress!, knp = kn.baseAddress!
                        forEachRowRange(n) { rows in
                            for i in rows {
                                for head in 0..<c.headCount {
                                    let v = qp + i * qDim + head * c.headDim
                                    rmsNorm(v, weight: qnp, count: c.headDim, eps: c.rmsEpsilon)
                                    table.apply(v, row: i)
                                    for j in 0..<c.headDim { v[j] *= c.queryScale }
                                }
                                for g in 0..<c.kvHeadCount {
                                    let v = kOut + i * kvDim + g * c.headDim
                                    rmsNorm(v, weight: knp, count: c.headDim, eps: c.rmsEpsilon)
                                    table.apply(v, row: i)
                                }
                            }
                        }
                    }
                }
            }
            // (T8, T9, M1–M3) attention over the cache.
            attention(layer: l, queries: q, rows: n, start: start, causal: causal, cache: cache, into: &attn)
            // (T10, T11) output projection and post-attention norm into the residual.
            linear(precision: precision, w.output, attn, rows: n, into: &proj)
            addNormedRows(proj, w.postAttentionNorm, to: &x, rows: n, eps: c.rmsEpsilon)
            // (T12–T15) GeGLU feed-forward.
            rmsNormRows(x, w.ffnNorm, into: &h, rows: n, eps: c.rmsEpsilon)
            if fused {
                h.withUnsafeBufferPointer { hb in
                    gate.withUnsafeMutableBufferPointer { matVecGeGLU(gate: w.gate, up: w.up, x: hb, into: $0) }
                }
            } else {
                linear(precision: precision, w.gate, h, rows: n, into: &gate)
                linear(precision: precision, w.up, h, rows: n, into: &up)
                let ffn = c.feedForwardLength
                if precision == .reference {
                    for i in 0..<(n * ffn) { gate[i] = geluTanh(gate[i]) * up[i] }
                } else {
                    gate.withUnsafeMutableBufferPointer { gb in
                        up.withUnsafeBufferPointer { ub in
                            let gp = gb.baseAddress!, upp = ub.baseAddress!
                            forEachRowRange(n) { rows in
                                geluTanhGated(gp + rows.lowerBound * ffn, up: upp + rows.lowerBound * ffn, count: rows.count * ffn)
                            }
                        }
                    }
                }
            }
            linear(precision: precision, w.down, gate, rows: n, into: &proj)
            addNormedRows(proj, w.postFFNNorm, to: &x, rows: n, eps: c.rmsEpsilon)
        }
        cache.count = start + n

        // (T16, T17) final norm and output projection, only for the rows asked for.
        let outRows = allLogits ? n : max(1, min(n, lastLogitRows))
        let firstRow = n - outRows
        var z = [Float](repeating: 0, count: outRows * d)
        let tail = Array(x[(firstRow * d)...])
        rmsNormRows(tail, weights.outputNorm, into: &z, rows: outRows, eps: c.rmsEpsilon)
        var logits = [Float](repeating: 0, count: outRows * c.vocabularySize)
        linear(precision: precision, weights.outputProjection, z, rows: outRows, into: &logits)
        if let cap = c.finalLogitSoftcap {
            for i in 0..<logits.count { logits[i] = cap * tanh(logits[i] / cap) }
        }
        return logits
    }

    /// Attention for `rows` queries at positions `start…`, reading keys/values from the cache
    /// (which already holds this batch). Heads and queries are spread over all cores.
    private func attention(layer l: Int, queries: [Float], rows n: Int, start: Int, causal: Bool,
                           cache: KVCache, into out: inout [Float]) {
        if n >= AttentionTuning.batchedRows {
            batchedAttention(layer: l, queries: queries, rows: n, start: start, causal: causal, cache: cache, into: &out)
            return
        }
        let c = config
        let qDim = c.headCount * c.headDim, kvDim = c.kvHeadCount * c.headDim, D = c.headDim
        let group = c.headCount / c.kvHeadCount
        let window = c.isGlobal(layer: l) || c.slidingWindow <= 0 ? Int.max : c.slidingWindow
        let keys = cache.keys[l], values = cache.values[l]
        let end = start + n
        queries.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                let qp = qb.baseAddress!, op = ob.baseAddress!
                let heads = c.headCount
                parallelFor(n * heads) { job in
                    let i = job / heads, head = job % heads
                    let g = head / group
                    let pos = start + i
                    // Causal: keys up to this position; an image batch sees its whole block (M3).
                    let last = causal ? pos : end - 1
                    // Sliding window (M2): masked when pos − p_j ≥ window.
                    let first = window == Int.max ? 0 : max(0, pos - window + 1)
                    let query = qp + i * qDim + head * D
                    let count = last - first + 1
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { scores in
                        var maxScore = -Float.infinity
                        // Four keys at a time: four independent sums, each still added in
                        // t order (the same Float result as one key at a time, ~4× the ILP).
                        var j = first
                        while j + 3 <= last {
                            let k0 = keys + j * kvDim + g * D, k1 = k0 + kvDim, k2 = k1 + kvDim, k3 = k2 + kvDim
                            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                            for t in 0..<D {
                                let qt = query[t]
                                s0 += qt * k0[t]
                                s1 += qt * k1[t]
                                s2 += qt * k2[t]
                                s3 += qt * k3[t]
                            }
                            scores[j - first] = s0
                            scores[j - first + 1] = s1
                            scores[j - first + 2] = s2
                            scores[j - first + 3] = s3
                            maxScore = max(maxScore, s0)
                            maxScore = max(maxScore, s1)
                            maxScore = max(maxScore, s2)
                            maxScore = max(maxScore, s3)
                            j += 4
                        }
                        while j <= last {
                            let k = keys + j * kvDim + g * D
                            var s: Float = 0
                            for t in 0..<D { s += query[t] * k[t] }
                            scores[j - first] = s
                            maxScore = max(maxScore, s)
                            j += 1
                        }
                        var sum: Float = 0
                        for j in 0..<count {
                            let e = expf(scores[j] - maxScore)
                            scores[j] = e
                            sum += e
                        }
                        let o = op + i * qDim + head * D
                        for t in 0..<D { o[t] = 0 }
                        let inv = 1 / sum
                        for j in first...last {
                            let p = scores[j - first] * inv
                            let v = values + j * kvDim + g * D
                            for t in 0..<D { o[t] += p * v[t] }
                        }
                    }
                }
            }
        }
    }
}

/// A token id outside the vocabulary was given to the model.
public struct TokenOutOfRangeError: Error, CustomStringConvertible {
    public let token: Int32
    public let vocabulary: Int
    public var description: String { "token id \(token) is outside the vocabulary (0..<\(vocabulary))" }
}
