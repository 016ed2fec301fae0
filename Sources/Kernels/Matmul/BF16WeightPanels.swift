#if arch(x86_64)
import GGUF
import KernelsAVX512

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
#endif
