#if arch(x86_64)
import GGUF
import KernelsAVX512

/// A matrix as bf16 panels of 32 rows for `avx512BF16MatmulPanel`: for every pair of values
/// along the row length, 32 rows × 4 bytes, the first value in the low half. An odd row
/// length gets a zero after its last value; rows past the matrix's end are zero. Values are
/// rounded to bf16 to nearest even (F16 ones through their exact f32 value; BF16 is copied).
///
/// Three sources fill it:
/// - stored F16/BF16 weights (`bf16Matmul`, the vision tower's linear layers), packed on
///   every call rather than kept: the packed matrix is as large as the F16 one, and packing
///   is one pass over the weights against thousands of multiply-adds per weight;
/// - f32 rows with a stride (`packRows`): one head's keys in the vision tower's attention,
///   the "weights" of `S = Q·Kᵀ`;
/// - the transpose of f32 rows (`packColumns`): one head's values, the "weights" of
///   `O = P·V` (panel rows are value dimensions, pairs run along the keys).
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
    private let storage: UnsafeMutableRawPointer

    /// Room for `rowCount` rows of `rowLength` values, contents undefined until packed.
    init(rowCount m: Int, rowLength k: Int) {
        rowCount = m
        rowLength = k
        count = (m + Self.rows - 1) / Self.rows
        pairs = (k + 1) / 2
        storage = .allocate(byteCount: max(1, count * Self.rows * pairs * 4), alignment: 64)
    }

    /// A stored F16 or BF16 matrix (`m` rows of `k` values back to back), packed now across
    /// the cores.
    convenience init(_ weights: UnsafeRawPointer, type: GGMLType, rowCount m: Int, rowLength k: Int) {
        precondition(type == .f16 || type == .bf16, "\(type) has no bf16 panel layout")
        self.init(rowCount: m, rowLength: k)
        let pairs = pairs, rows = Self.rows, storage = storage, panels = count, panelBytes = panelBytes
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

    private var panelBytes: Int { Self.rows * pairs * 4 }

    func panel(_ p: Int) -> UnsafeRawPointer { UnsafeRawPointer(storage + p * panelBytes) }

    /// Fills `panels` from f32 rows: row i of the matrix is `rowLength` floats at
    /// `x + i·stride`. Each panel's rows are rounded into a staging block and then
    /// interleaved into the panel by 16 × 16 word transposes (`avx512InterleavePanel`).
    func packRows(_ x: UnsafePointer<Float>, stride: Int, panels: Range<Int>) {
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
