#if arch(x86_64)
import GGUF
import KernelsAVX512

/// A matrix as bf16 panels of 32 rows for `avx512BF16MatmulPanel`: for every pair of values
/// along the row length, 32 rows × 4 bytes, the first value in the low half. An odd row
/// length gets a zero after its last value; rows past the matrix's end are zero.
///
/// Three sources fill it:
/// - stored F16/BF16 weights (`bf16Matmul`, the vision tower's linear layers), packed on
///   every call rather than kept: the packed matrix is no larger than twice the stored one,
///   and packing is one pass over the weights against thousands of multiply-adds per weight.
///   BF16 values are copied. F16 ones are *split*: each step holds the values rounded to bf16
///   (hi, 128 bytes) and then the exact remainders (lo = w − hi, another 128), so that
///   hi + lo is the f16 value exactly (`avx512HalvesToBF16Split`) and the kernel's products
///   use the file's weights as they are, not rounded to 8 bits — at twice the multiply-adds;
/// - f32 rows with a stride (`packRows`): one head's keys in the vision tower's attention,
///   the "weights" of `S = Q·Kᵀ`, rounded to bf16;
/// - the transpose of f32 rows (`packColumns`): one head's values, the "weights" of
///   `O = P·V` (panel rows are value dimensions, pairs run along the keys), rounded to bf16.
///
/// The attention packs the same panels again for every head, so they can be made empty and
/// filled later, a range at a time from several threads.
final class BF16WeightPanels {
    static let rows = 32
    /// Rows of the matrix and values per row.
    let rowCount: Int, rowLength: Int
    /// Panels (the row count rounded up to 32, over 32).
    let count: Int
    /// Pairs per row (the row length rounded up to even, halved).
    let pairs: Int
    /// Whether each pair step holds hi and lo halves (F16 weights) rather than one bf16 value
    /// per weight: 256 bytes a step instead of 128.
    let split: Bool
    private let storage: UnsafeMutableRawPointer

    /// Room for `rowCount` rows of `rowLength` values, contents undefined until packed.
    init(rowCount m: Int, rowLength k: Int, split: Bool = false) {
        rowCount = m
        rowLength = k
        count = (m + Self.rows - 1) / Self.rows
        pairs = (k + 1) / 2
        self.split = split
        storage = .allocate(byteCount: max(1, count * pairs * (split ? 256 : 128)), alignment: 64)
    }

    /// A stored F16 or BF16 matrix (`m` rows of `k` values back to back), packed now across
    /// the cores; F16 split into hi and lo halves, BF16 single.
    convenience init(_ weights: UnsafeRawPointer, type: GGMLType, rowCount m: Int, rowLength k: Int) {
        precondition(type == .f16 || type == .bf16, "\(type) has no bf16 panel layout")
        self.init(rowCount: m, rowLength: k, split: type == .f16)
        let chunks = min(count, 4 * WorkerThreads.count), panels = count
        // Unowned: the caller holds the panels, and a worker that kept the job past the call
        // must not be the one to free them (see bf16Matmul).
        parallelFor(chunks) { [unowned self] c in
            self.pack(weights, panels: (panels * c / chunks)..<(panels * (c + 1) / chunks))
        }
    }

    /// Packs panels `panels` of a stored matrix (F16 if split, else BF16), 128 pair steps at a
    /// time: the 32 rows' values converted into a staging block (hi and lo blocks when split),
    /// then interleaved into the panel by 16 × 16 word transposes (`avx512InterleavePanel`).
    /// The staging stays at 32 KB, a core's L1, whatever the row length.
    private func pack(_ weights: UnsafeRawPointer, panels: Range<Int>) {
        let rows = Self.rows, blockSteps = 128, width = 2 * blockSteps, step = stepBytes
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 2 * rows * width) { stage in
            let hi = stage.baseAddress!, lo = hi + rows * width
            for p in panels {
                for s0 in stride(from: 0, to: pairs, by: blockSteps) {
                    let steps = min(blockSteps, pairs - s0), first = 2 * s0, values = min(2 * steps, rowLength - first)
                    for r in 0..<rows {
                        let i = p * rows + r
                        let h = hi + r * width, l = lo + r * width
                        if i >= rowCount {
                            h.update(repeating: 0, count: 2 * steps)
                            if split { l.update(repeating: 0, count: 2 * steps) }
                            continue
                        }
                        let src = weights + 2 * (i * rowLength + first)
                        if split {
                            avx512HalvesToBF16Split(src, count: values, hi: h, lo: l, paddedCount: 2 * steps)
                        } else {
                            h.update(from: src.assumingMemoryBound(to: UInt16.self), count: values)
                            (h + values).update(repeating: 0, count: 2 * steps - values)
                        }
                    }
                    let out = storage + p * panelBytes + s0 * step
                    avx512InterleavePanel(stage: hi, stageStride: 2 * width, steps: steps, into: out, stepBytes: step)
                    if split {
                        avx512InterleavePanel(stage: lo, stageStride: 2 * width, steps: steps, into: out + 128, stepBytes: step)
                    }
                }
            }
        }
    }

    deinit { storage.deallocate() }

    /// Bytes per pair step: 32 rows × one bf16 pair, twice that when split.
    var stepBytes: Int { split ? 256 : 128 }

    private var panelBytes: Int { pairs * stepBytes }

    func panel(_ p: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + p * panelBytes) }

    /// Fills `panels` from f32 rows: row i of the matrix is `rowLength` floats at
    /// `x + i·stride`. Each panel's rows are rounded into a staging block and then
    /// interleaved into the panel by 16 × 16 word transposes (`avx512InterleavePanel`).
    func packRows(_ x: UnsafePointer<Float>, stride: Int, panels: Range<Int>) {
        precondition(!split, "f32 rows pack as single bf16 values")
        let rows = Self.rows, width = 2 * pairs
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: rows * width) { stage in
            let stage = stage.baseAddress!
            for p in panels {
                for r in 0..<rows {
                    let i = p * rows + r
                    if i < rowCount {
                        avx512FloatsToBF16(x + i * stride, count: rowLength, into: stage + r * width, paddedCount: width)
                    } else {
                        (stage + r * width).update(repeating: 0, count: width)
                    }
                }
                avx512InterleavePanel(stage: stage, stageStride: 2 * width, steps: pairs, into: storage + p * panelBytes)
            }
        }
    }

    /// Fills the pair steps `steps` of every panel with the transpose of f32 rows: the matrix
    /// is `Xᵀ` for `X` = `rowLength` rows of `rowCount` floats at `x + j·stride`, so pair
    /// step s holds rows 2s and 2s+1 of `X` (a zero row past its end), value by value.
    func packColumns(_ x: UnsafePointer<Float>, stride: Int, steps: Range<Int>) {
        precondition(!split, "f32 columns pack as single bf16 values")
        let rows = Self.rows, panelWords = rows * pairs
        let words = UnsafeMutableRawPointer(storage).assumingMemoryBound(to: UInt32.self)
        for s in steps {
            let a = x + 2 * s * stride, b = 2 * s + 1 < rowLength ? x + (2 * s + 1) * stride : nil
            for p in 0..<count {
                let first = p * rows
                avx512InterleaveBF16(a + first, b.map { $0 + first }, count: min(rows, rowCount - first),
                                     into: words + p * panelWords + s * rows, paddedCount: rows)
            }
        }
    }
}
#endif
