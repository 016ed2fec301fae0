import GGUF
#if arch(x86_64)
import KernelsAVX512
#endif

/// Whether `bf16Matmul` takes `type` on the active kernel path: F16 and BF16 weights, on the
/// AVX-512 path of a CPU with AVX-512 BF16 (`vdpbf16ps`).
public func bf16MatmulSupports(_ type: GGMLType, path: KernelPath = KernelPath.active) -> Bool {
    path == .avx512vnni && CPUFeatures.avx512BF16 && (type == .f16 || type == .bf16)
}

/// `y[t][r] = Σ_k W[r][k]·x[t][k]` in bf16 with f32 sums, for `rowCount` stored F16 or BF16
/// rows of `rowLength` values (back to back at `weights`), `n` activation rows at `x` (stride
/// `rowLength`), `y` with row stride `rowCount` — the vision tower's matrix product.
///
/// The weights keep their stored precision: BF16 ones are bf16 values already, and F16 ones
/// are split into two bf16 halves, hi = bf16(w) and lo = w − hi (exact in bf16, so hi + lo is
/// the f16 value; `avx512HalvesToBF16Split`), multiplied by the same activations. Only the
/// activations are rounded to bf16 (to nearest even: a relative error of at most 2⁻⁸ per
/// value), every product is exact in f32 and the sums are f32 sums — as llama.cpp's F16 path,
/// which uses the weights as stored and rounds the activations to f16. Rounding F16 weights
/// to bf16 instead would halve the multiply-adds but is most of the tower's error against
/// transformers (image-prompt logits of the tiny fixture 0.026 off instead of 0.017:
/// `VisionPrecisionPromptTests`). `--precision exact` keeps the f32 dequantize-and-sgemm path.
///
/// How: the whole weight matrix is packed once per call into 32-row panels of bf16 pairs,
/// split for F16 (`BF16WeightPanels`, about one pass over the weights, shared by every token), the
/// activations are rounded once (`BF16Activations`), and the product runs in jobs of one
/// block of tokens — sized so its bf16 rows stay in the core's L2 — times a group of panels,
/// each panel multiplied by the block 8 tokens at a time (`avx512BF16MatmulPanel`). Jobs are
/// spread over the cores; each writes its own part of `y`.
///
/// Returns false, doing nothing, where the kernel doesn't serve `type` on this path; the
/// caller then dequantizes to f32 and uses sgemm.
public func bf16Matmul(weights: UnsafeRawPointer, type: GGMLType, rowCount m: Int, rowLength k: Int,
                       _ x: UnsafePointer<Float>, rows n: Int, into y: UnsafeMutablePointer<Float>) -> Bool {
    #if arch(x86_64)
    guard bf16MatmulSupports(type) else { return false }
    guard n > 0, m > 0 else { return true }
    guard k > 0 else {
        y.initialize(repeating: 0, count: n * m)
        return true
    }
    let panels = BF16WeightPanels(weights, type: type, rowCount: m, rowLength: k)
    let activations = BF16Activations(x, rows: n, count: k)
    let block = activations.tokensPerBlock
    let blocks = (activations.tokens + block - 1) / block
    // Enough jobs to keep every core busy when the batch is one block or two.
    let groups = min(panels.count, max(1, (4 * WorkerThreads.count + blocks - 1) / blocks))
    let rows = BF16WeightPanels.rows
    // The jobs get pointers, not the two buffers' instances (a worker dropping the last
    // reference freed them on its own thread, where the memory was never reused); the
    // buffers live until every job is done.
    let panelBase = panels.panel(0), panelBytes = panels.pairs * panels.stepBytes, weightPairs = panels.pairs
    let split = panels.split
    let panelCount = panels.count, tokenCount = activations.tokens
    let xBase = activations.row(0), xPairs = activations.pairs
    withExtendedLifetime((panels, activations)) {
        parallelFor(blocks * groups) { job in
            let b = job / groups, g = job % groups
            let first = b * block, count = min(block, tokenCount - first)
            for p in (panelCount * g / groups)..<(panelCount * (g + 1) / groups) {
                let row = p * rows
                avx512BF16MatmulPanel(panel: panelBase + p * panelBytes, split: split, pairs: weightPairs,
                                      x: xBase + first * 4 * xPairs, xStride: xPairs,
                                      tokens: count, validTokens: min(count, n - first),
                                      output: y + first * m + row, outputStride: m, validRows: min(rows, m - row))
            }
        }
    }
    return true
    #else
    return false
    #endif
}
