#if arch(x86_64)
import KernelsAVX512
#endif

/// Whether `bf16Attention` runs on the active kernel path: the AVX-512 path of a CPU with
/// AVX-512 BF16, as for `bf16Matmul`.
public func bf16AttentionSupported(path: KernelPath = KernelPath.active) -> Bool {
    path == .avx512vnni && CPUFeatures.avx512BF16
}

/// Query rows per job of `bf16Attention`: as many as keep a block's f32 scores within about
/// 512 KB (a core's L2 holds them from `S = Q·Kᵀ` through the softmax), a multiple of the
/// kernel's 8-token tile, 8 to 256. 32 for an image's 4096 keys.
func bf16AttentionBlockRows(keys n: Int) -> Int {
    max(8, min(256, (128 << 10) / max(1, n)) / 8 * 8)
}

/// Bidirectional multi-head attention in bf16 with f32 sums — the SigLIP tower's attention
/// at `.fast` precision: for every row i and head h,
/// `out_i,h = Σ_j softmax_j(scale · q_i,h·k_j,h) v_j,h` over all `n` rows. `q`, `k`, `v` and
/// `out` are `n` rows `stride` floats apart, head h in columns `h·D ..< (h+1)·D`.
///
/// Why: attention is ~1043 of an image's ~2700 GMAC in MedGemma's tower (4096 patches, 16
/// heads of 72), and as f32 sgemm products it took more time than all the linear layers on
/// the bf16 kernel. Here both products run on the same `vdpbf16ps` panel kernel:
/// - `S = Q·Kᵀ`: the head's keys are the "weight" panels (32 keys, pairs along the head
///   dimension), a block of queries the activations;
/// - softmax row by row, straight into bf16 weights (`avx512SoftmaxToBF16`);
/// - `O = P·V`: the transposed values are the panels (32 value dimensions, pairs along the
///   keys), the block's weights the activations; each row is then divided by its weights' sum.
/// Keys and values are packed once per head and shared by every block of queries; a block's
/// scores stay in cache between the products. Only bidirectional attention over f32 rows
/// (no mask, no KV cache): the text model keeps `attention`, which matches llama.cpp's f16
/// cache arithmetic.
///
/// Numerics: q, k and the weights are rounded to bf16 (8 significant bits), v too; products
/// are exact in f32 and sums are f32. On MedGemma's tower this moves the projected embeddings
/// by a few tenths of a percent more than the linear layers' bf16 already do
/// (`medgemma bench --vision-exact-check`); `--precision exact` keeps the f32 path.
///
/// Returns false, doing nothing, where the kernel doesn't run on this path.
public func bf16Attention(queries q: UnsafePointer<Float>, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>,
                          rows n: Int, heads: Int, headDim D: Int, stride: Int, scale: Float,
                          into out: UnsafeMutablePointer<Float>) -> Bool {
    #if arch(x86_64)
    guard bf16AttentionSupported() else { return false }
    precondition(heads * D <= stride, "bf16Attention: \(heads) heads of \(D) do not fit rows of \(stride)")
    guard n > 0, heads > 0, D > 0 else { return true }
    let keyPanels = BF16WeightPanels(rowCount: n, rowLength: D)
    let valuePanels = BF16WeightPanels(rowCount: D, rowLength: n)
    let blockRows = bf16AttentionBlockRows(keys: n), blocks = (n + blockRows - 1) / blockRows
    let chunks = min(blocks, 4 * WorkerThreads.count)
    let tile = bf16TileTokens, paddedRows = (blockRows + tile - 1) / tile * tile
    let queryPairs = keyPanels.pairs, weightPairs = valuePanels.pairs
    // Row strides of the block's scores and weights, padded by 64 bytes: 4096 keys make rows
    // 16 and 8 KB apart, so the 8 rows of a kernel tile would share one L1 set.
    let scoreStride = n + 16, weightStride = weightPairs + 16
    // The caller keeps the last references: no worker frees the panels on its own thread.
    withExtendedLifetime((keyPanels, valuePanels)) {
        for h in 0..<heads {
            // Pack this head's keys (by panels of 32) and values (by pair steps) across the cores.
            let keyJobs = min(keyPanels.count, 2 * WorkerThreads.count)
            let valueJobs = min(valuePanels.pairs, 2 * WorkerThreads.count)
            parallelFor(keyJobs + valueJobs) { job in
                if job < keyJobs {
                    let panels = keyPanels.count
                    keyPanels.packRows(k + h * D, stride: stride, panels: (panels * job / keyJobs)..<(panels * (job + 1) / keyJobs))
                } else {
                    let j = job - keyJobs, steps = valuePanels.pairs
                    valuePanels.packColumns(v + h * D, stride: stride, steps: (steps * j / valueJobs)..<(steps * (j + 1) / valueJobs))
                }
            }
            parallelFor(chunks) { c in
                // Per chunk of blocks: the block's bf16 queries, f32 scores and bf16 weights
                // (padded rows stay zero), and the weights' inverse sums.
                let queries = UnsafeMutablePointer<UInt16>.allocate(capacity: paddedRows * 2 * queryPairs)
                let scores = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * scoreStride)
                let weights = UnsafeMutablePointer<UInt16>.allocate(capacity: paddedRows * 2 * weightStride)
                let inverseSums = UnsafeMutablePointer<Float>.allocate(capacity: blockRows)
                defer { queries.deallocate(); scores.deallocate(); weights.deallocate(); inverseSums.deallocate() }
                queries.initialize(repeating: 0, count: paddedRows * 2 * queryPairs)
                weights.initialize(repeating: 0, count: paddedRows * 2 * weightStride)
                for b in (blocks * c / chunks)..<(blocks * (c + 1) / chunks) {
                    let first = b * blockRows, rows = min(blockRows, n - first)
                    let tokens = (rows + tile - 1) / tile * tile
                    for i in 0..<rows {
                        avx512FloatsToBF16(q + (first + i) * stride + h * D, count: D,
                                           into: queries + i * 2 * queryPairs, paddedCount: 2 * queryPairs)
                    }
                    // S = Q·Kᵀ, 32 keys per panel.
                    for p in 0..<keyPanels.count {
                        avx512BF16MatmulPanel(panel: keyPanels.panel(p), pairs: queryPairs, x: queries, xStride: queryPairs,
                                              tokens: tokens, validTokens: rows, output: scores + p * 32, outputStride: scoreStride,
                                              validRows: min(32, n - p * 32))
                    }
                    for i in 0..<rows {
                        inverseSums[i] = avx512SoftmaxToBF16(scores + i * scoreStride, count: n, scale: scale,
                                                             into: weights + i * 2 * weightStride, paddedCount: 2 * weightPairs)
                    }
                    // O = P·V, 32 value dimensions per panel, then each row over its weights' sum.
                    let o = out + first * stride + h * D
                    for p in 0..<valuePanels.count {
                        avx512BF16MatmulPanel(panel: valuePanels.panel(p), pairs: weightPairs, x: weights, xStride: weightStride,
                                              tokens: tokens, validTokens: rows, output: o + p * 32, outputStride: stride,
                                              validRows: min(32, D - p * 32))
                    }
                    for i in 0..<rows {
                        let row = o + i * stride, inverse = inverseSums[i]
                        for t in 0..<D { row[t] *= inverse }
                    }
                }
            }
        }
    }
    return true
    #else
    return false
    #endif
}
