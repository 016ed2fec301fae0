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
/// Both operands are rounded to bf16 (to nearest even; F16 weights through their exact f32
/// value), so each product carries a relative error of at most about 2⁻⁸ per operand, with
/// f32 sums: about what llama.cpp's own f16 paths give, and within a percent of the f32
/// product on whole images. That is the price of twice the multiply-adds per instruction of
/// f32 FMA; `--precision exact` keeps the f32 dequantize-and-sgemm path.
///
/// How: the whole weight matrix is packed once per call into 32-row panels of bf16 pairs
/// (`BF16WeightPanels`, about one pass over the weights, shared by every token), the
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
    let panelBase = panels.panel(0), panelBytes = rows * panels.pairs * 4, weightPairs = panels.pairs
    let panelCount = panels.count, tokenCount = activations.tokens
    let xBase = activations.row(0), xPairs = activations.pairs
    withExtendedLifetime((panels, activations)) {
        parallelFor(blocks * groups) { job in
            let b = job / groups, g = job % groups
            let first = b * block, count = min(block, tokenCount - first)
            for p in (panelCount * g / groups)..<(panelCount * (g + 1) / groups) {
                let row = p * rows
                avx512BF16MatmulPanel(panel: panelBase + p * panelBytes, pairs: weightPairs,
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

#if arch(x86_64)
/// A whole F16 or BF16 weight matrix as bf16 panels of 32 rows: for every pair of values
/// along the row length, 32 rows × 4 bytes, the first value in the low half (the layout of
/// `avx512BF16MatmulPanel`). An odd row length gets a zero after its last value; rows past
/// the matrix's end are zero. F16 values are rounded to bf16 to nearest even through their
/// exact f32 value; BF16 values are copied.
///
/// Packed on every call rather than kept: the packed matrix is as large as the F16 one, and
/// packing is one pass over the weights against thousands of multiply-adds per weight.
final class BF16WeightPanels {
    static let rows = 32
    let count: Int
    /// Pairs per row (the row length rounded up to even, halved).
    let pairs: Int
    private let storage: UnsafeMutableRawPointer

    init(_ weights: UnsafeRawPointer, type: GGMLType, rowCount m: Int, rowLength k: Int) {
        precondition(type == .f16 || type == .bf16, "\(type) has no bf16 panel layout")
        count = (m + Self.rows - 1) / Self.rows
        pairs = (k + 1) / 2
        let panelBytes = Self.rows * pairs * 4
        storage = .allocate(byteCount: count * panelBytes, alignment: 64)
        let pairs = pairs, rows = Self.rows, storage = storage, panels = count
        let chunks = min(panels, 4 * WorkerThreads.count)
        parallelFor(chunks) { c in
            let row = UnsafeMutablePointer<UInt16>.allocate(capacity: 2 * pairs)
            defer { row.deallocate() }
            let pairsOfRow = UnsafeRawPointer(row).assumingMemoryBound(to: UInt32.self)
            for p in (panels * c / chunks)..<(panels * (c + 1) / chunks) {
                let dst = (storage + p * panelBytes).assumingMemoryBound(to: UInt32.self)
                for r in 0..<rows {
                    let i = p * rows + r
                    if i >= m {
                        for s in 0..<pairs { dst[s * rows + r] = 0 }
                        continue
                    }
                    let src = weights + i * 2 * k
                    if type == .f16 {
                        avx512HalvesToBF16(src, count: k, into: row, paddedCount: 2 * pairs)
                    } else {
                        row.update(from: src.assumingMemoryBound(to: UInt16.self), count: k)
                        (row + k).initialize(repeating: 0, count: 2 * pairs - k)
                    }
                    for s in 0..<pairs { dst[s * rows + r] = pairsOfRow[s] }
                }
            }
        }
    }

    deinit { storage.deallocate() }

    func panel(_ p: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + p * Self.rows * pairs * 4) }
}

/// A batch of activation rows rounded to bf16 (to nearest even) for `avx512BF16MatmulPanel`:
/// each row padded with zeros to whole pairs, the rows padded with zero rows to a multiple of
/// the kernel's 8-token tile. Converted once per product, spread over the cores.
final class BF16Activations {
    let pairs: Int
    /// Padded row count (a multiple of 8).
    let tokens: Int
    /// Tokens per job: as many as keep the block's bf16 rows within about 256 KB (a core's
    /// L2 holds them while every panel of a job passes over them), 8 to 256.
    let tokensPerBlock: Int
    private let values: UnsafeMutablePointer<UInt16>

    init(_ x: UnsafePointer<Float>, rows n: Int, count k: Int) {
        let tile = bf16TileTokens
        pairs = (k + 1) / 2
        tokens = (n + tile - 1) / tile * tile
        tokensPerBlock = max(tile, min(256, (256 << 10) / (4 * pairs) / tile * tile))
        values = .allocate(capacity: tokens * 2 * pairs)
        let width = 2 * pairs, values = values
        (values + n * width).initialize(repeating: 0, count: (tokens - n) * width)
        let chunks = n >= 16 ? min(n / 8, 4 * WorkerThreads.count) : 1
        parallelFor(chunks) { c in
            for t in (n * c / chunks)..<(n * (c + 1) / chunks) {
                avx512FloatsToBF16(x + t * k, count: k, into: values + t * width, paddedCount: width)
            }
        }
    }

    deinit { values.deallocate() }

    func row(_ t: Int) -> UnsafeRawPointer { UnsafeRawPointer(values + t * 2 * pairs) }
}
#endif
