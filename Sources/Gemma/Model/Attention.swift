import Kernels

/// Which keys a query may see (ENGINE.md §3.5 and V4). Every mask of Gemma 3 leaves each
/// query one contiguous run of key positions, so a mask is two facts:
///
/// - `causal` (M1): keys after the query's own position are hidden. Off for an image's rows
///   (M3: they see their whole image) and for the vision tower (no mask at all).
/// - `window` (M2): on local layers a query at p sees only keys with `p − p_j < window`.
///   It still applies to image rows on local layers; future keys stay visible there.
struct AttentionMask: Equatable, Sendable {
    var causal: Bool
    var window: Int?

    /// Global text layers.
    static let causal = AttentionMask(causal: true, window: nil)
    /// Local text layers.
    static func slidingWindow(_ window: Int) -> AttentionMask { AttentionMask(causal: true, window: window) }
    /// The vision tower: every row sees every row.
    static let bidirectional = AttentionMask(causal: false, window: nil)
    /// An image's rows in the text model: their whole batch, earlier keys within `window`.
    static func bidirectional(window: Int?) -> AttentionMask { AttentionMask(causal: false, window: window) }

    /// The key positions visible to a query at position `p` of a batch that ends before
    /// `batchEnd`. Both bounds grow with `p`, so a block of queries sees the span from its
    /// first query's lower bound to its last query's upper bound.
    func visibleKeys(query p: Int, batchEnd: Int) -> Range<Int> {
        let first = window.map { max(0, p - $0 + 1) } ?? 0
        return first..<(causal ? p + 1 : batchEnd)
    }
}

/// One layer's keys and values, by absolute position: rows of `kvHeads × headDim` values,
/// `stride` elements apart, in f32 or f16. Position p lives in slot `p % slots` — a ring for
/// the sliding-window layers of the KV cache, plain rows (`slots` ≥ every position) for
/// global layers and for the vision tower's own q/k/v buffers.
struct KeyValueRows {
    let keys: UnsafeRawPointer
    let values: UnsafeRawPointer
    let isHalf: Bool
    let stride: Int
    let slots: Int

    /// Dense f32 rows (the vision tower's keys and values, positions 0 ..< rows).
    init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, stride: Int, rows: Int) {
        self.init(keys: UnsafeRawPointer(keys), values: UnsafeRawPointer(values), isHalf: false, stride: stride, slots: rows)
    }

    init(keys: UnsafeRawPointer, values: UnsafeRawPointer, isHalf: Bool, stride: Int, slots: Int) {
        self.keys = keys
        self.values = values
        self.isHalf = isHalf
        self.stride = stride
        self.slots = slots
    }

    /// Calls `body(offset, slot, count)` for the runs of consecutive slots that hold
    /// `positions` in order (two runs where the ring wraps, else one).
    @inline(__always)
    func forEachRun(_ positions: Range<Int>, _ body: (_ offset: Int, _ slot: Int, _ count: Int) -> Void) {
        var p = positions.lowerBound
        while p < positions.upperBound {
            let slot = p % slots
            let count = min(positions.upperBound - p, slots - slot)
            body(p - positions.lowerBound, slot, count)
            p += count
        }
    }

    /// `scores[j] = q · k_(first + j)` for KV head `g` (one query, the decode path).
    func scores(head g: Int, dim: Int, positions: Range<Int>, query q: UnsafePointer<Float>, into scores: UnsafeMutablePointer<Float>) {
        forEachRun(positions) { offset, slot, count in
            let element = slot * stride + g * dim
            if isHalf {
                dotRows(keys.assumingMemoryBound(to: UInt16.self) + element, stride: stride, count: count, dim: dim, with: q, into: scores + offset)
            } else {
                dotRows(keys.assumingMemoryBound(to: Float.self) + element, stride: stride, count: count, dim: dim, with: q, into: scores + offset)
            }
        }
    }

    /// `out += Σ_j weights[j] · v_(first + j)` for KV head `g` (one query, the decode path).
    func accumulateValues(head g: Int, dim: Int, positions: Range<Int>, weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        forEachRun(positions) { offset, slot, count in
            let element = slot * stride + g * dim
            if isHalf {
                accumulateRows(values.assumingMemoryBound(to: UInt16.self) + element, stride: stride, count: count, dim: dim, weights: weights + offset, into: out)
            } else {
                accumulateRows(values.assumingMemoryBound(to: Float.self) + element, stride: stride, count: count, dim: dim, weights: weights + offset, into: out)
            }
        }
    }

    /// KV head `g`'s keys (or values) over `positions` as f32 matrices for sgemm, in pieces:
    /// `body(offset, rows, rowStride, count)`. f32 rows are handed over in place; f16 rows are
    /// converted into `scratch` (room for `AttentionTuning.keyPieceRows × dim` floats) a
    /// piece at a time, so no f32 copy of a long cache is ever made.
    ///
    /// Pieces end at positions that are multiples of `keyPieceRows`, wherever the rows live:
    /// a ring whose size is such a multiple (window + batch: 1024 or 1536 for every Gemma 3)
    /// wraps only at piece ends, so it runs exactly the products of a cache that keeps every
    /// position. That matters: on a long prompt this model turns a change in the order of
    /// the `P · V` sums (float rounding, ~1e-7) into logits a unit apart.
    func forEachFloatPiece(values wantValues: Bool, head g: Int, dim: Int, positions: Range<Int>,
                           scratch: UnsafeMutablePointer<Float>,
                           _ body: (_ offset: Int, _ rows: UnsafePointer<Float>, _ rowStride: Int, _ count: Int) -> Void) {
        let base = wantValues ? values : keys, pieceRows = AttentionTuning.keyPieceRows
        forEachRun(positions) { offset, slot, count in
            var done = 0
            while done < count {
                let position = positions.lowerBound + offset + done
                let m = min(count - done, pieceRows - position % pieceRows)
                let first = (slot + done) * stride + g * dim
                if isHalf {
                    let halves = base.assumingMemoryBound(to: UInt16.self) + first
                    for r in 0..<m { widenHalves(halves + r * stride, count: dim, into: scratch + r * dim) }
                    body(offset + done, scratch, dim, m)
                } else {
                    body(offset + done, base.assumingMemoryBound(to: Float.self) + first, stride, m)
                }
                done += m
            }
        }
    }
}

/// Where attention switches from per-query loops to matrix products, and how big its pieces are.
enum AttentionTuning {
    /// From this many query rows on, scores and outputs are sgemm products (prompt batches,
    /// images); fewer rows (decode) run the per-query loops, which read each key once.
    static let batchedRows = 32
    /// Query rows per job of a causal batch: later blocks see more keys, earlier ones fewer,
    /// so blocks skip most of the masked upper triangle of `Q·Kᵀ`.
    static let causalBlockRows = 128
    /// At most this many scores per job (4 MB): stays in cache between the two products and
    /// the softmax; bounds the memory of 4096 image patches or a long context.
    static let scoreFloats = 1 << 20
    /// Keys per piece of a batch's matrix products (f16 ones are converted to f32 a piece at
    /// a time); pieces end at multiples of it (see `forEachFloatPiece`).
    static let keyPieceRows = 512
}

/// Multi-head attention with grouped KV heads (ENGINE.md T8, T9, V4): for query row i (at
/// position `start + i`) and head h, `a = Σ_j softmax_j(scale · q·k_j) v_j` over the keys
/// `mask` lets it see, with KV head `h / (heads / kvHeads)` (consecutive heads share, T8).
/// The one attention of the engine — text decode, text prefill (tokens and images) and the
/// SigLIP tower — so masks, softmax and GQA are written once.
///
/// `queries` and `out` are `rows × heads·headDim`, head h in columns `h·headDim…`. The keys
/// and values of the batch itself must already be in `kv`.
///
/// With f16 keys and values (the default cache) the query and the normalised weights are
/// rounded to f16 before they meet them, as ggml's f16 mat-mul rounds its f32 operand: this
/// model's logits move by tenths when any of these roundings changes (llama.cpp's own f16
/// and f32 caches differ by up to 0.75), so the fast path rounds what llama.cpp rounds.
///
/// Decode (few rows) runs one job per (query, head): scores by `dotRows`, the softmax, then
/// `accumulateRows` — each visible key and value read once, f16 widened in registers.
/// Batches run one job per (head, block of queries): `S = Q·Kᵀ` over the block's key span
/// and `O = P·V` as OpenBLAS products, each masked row softmaxed in between; the softmax's
/// division is applied to the D outputs of a row rather than its weights.
func attention(queries q: UnsafePointer<Float>, rows n: Int, firstPosition start: Int, heads: Int, headDim D: Int,
               keysAndValues kv: KeyValueRows, kvHeads: Int, mask: AttentionMask, scoreScale: Float = 1,
               into out: UnsafeMutablePointer<Float>) {
    precondition(heads % kvHeads == 0, "attention: \(kvHeads) KV heads do not divide \(heads) heads")
    guard n > 0 else { return }
    let group = heads / kvHeads, width = heads * D, end = start + n
    if n < AttentionTuning.batchedRows {
        parallelFor(n * heads) { job in
            let i = job / heads, h = job % heads
            let keys = mask.visibleKeys(query: start + i, batchEnd: end)
            let o = out + i * width + h * D
            withUnsafeTemporaryAllocation(of: Float.self, capacity: keys.count + D) { buffer in
                let p = buffer.baseAddress!, query = p + keys.count
                query.update(from: q + i * width + h * D, count: D)
                if kv.isHalf { roundToHalves(query, count: D) }
                kv.scores(head: h / group, dim: D, positions: keys, query: query, into: p)
                let inverseSum = softmaxWeights(p, count: keys.count, visible: 0..<keys.count, scale: scoreScale)
                if kv.isHalf { roundToHalves(p, count: keys.count, scale: inverseSum) }
                o.update(repeating: 0, count: D)
                kv.accumulateValues(head: h / group, dim: D, positions: keys, weights: p, into: o)
                if !kv.isHalf { for t in 0..<D { o[t] *= inverseSum } }
            }
        }
        return
    }
    let span = mask.visibleKeys(query: start, batchEnd: end).lowerBound..<mask.visibleKeys(query: end - 1, batchEnd: end).upperBound
    let blockRows = max(1, min(n, AttentionTuning.scoreFloats / span.count, mask.causal ? AttentionTuning.causalBlockRows : n))
    let blocks = (n + blockRows - 1) / blockRows
    parallelFor(heads * blocks) { job in
        let h = job / blocks, g = h / group
        let first = (job % blocks) * blockRows, rows = min(blockRows, n - first)
        let keys = mask.visibleKeys(query: start + first, batchEnd: end).lowerBound
            ..< mask.visibleKeys(query: start + first + rows - 1, batchEnd: end).upperBound
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: rows * keys.count)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: kv.isHalf ? AttentionTuning.keyPieceRows * D + rows * D : 1)
        defer { scores.deallocate(); scratch.deallocate() }
        let oBlock = out + first * width + h * D
        // f16 keys meet the queries rounded to f16, as in ggml's f16 mat-mul.
        var qBlock = q + first * width + h * D, ldq = width
        if kv.isHalf {
            let rounded = scratch + AttentionTuning.keyPieceRows * D
            for i in 0..<rows { (rounded + i * D).update(from: qBlock + i * width, count: D) }
            roundToHalves(rounded, count: rows * D)
            qBlock = UnsafePointer(rounded)
            ldq = D
        }
        // S = Q · Kᵀ over the span, a column piece at a time.
        kv.forEachFloatPiece(values: false, head: g, dim: D, positions: keys, scratch: scratch) { offset, k, ldk, count in
            sgemm(m: rows, n: count, k: D, a: qBlock, lda: ldq, b: k, ldb: ldk, transposeB: true,
                  c: scores + offset, ldc: keys.count)
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rows) { inverseSums in
            for i in 0..<rows {
                let visible = mask.visibleKeys(query: start + first + i, batchEnd: end)
                inverseSums[i] = softmaxWeights(scores + i * keys.count, count: keys.count,
                                                visible: (visible.lowerBound - keys.lowerBound)..<(visible.upperBound - keys.lowerBound),
                                                scale: scoreScale)
                // f16 values meet the normalised weights rounded to f16 (ggml again).
                if kv.isHalf {
                    roundToHalves(scores + i * keys.count, count: keys.count, scale: inverseSums[i])
                    inverseSums[i] = 1
                }
            }
            // O = P · V, accumulated over the same pieces.
            kv.forEachFloatPiece(values: true, head: g, dim: D, positions: keys, scratch: scratch) { offset, v, ldv, count in
                sgemm(m: rows, n: D, k: count, a: scores + offset, lda: keys.count, b: v, ldb: ldv, transposeB: false,
                      c: oBlock, ldc: width, accumulate: offset > 0)
            }
            for i in 0..<rows {
                let o = oBlock + i * width, inverseSum = inverseSums[i]
                for t in 0..<D { o[t] *= inverseSum }
            }
        }
    }
}
