import GGUF
import Kernels

/// A whole matrix trained as it is — PEFT's `modules_to_save` for the token embedding or the
/// output projection: a full f32 copy of the base matrix (vocabulary × d rows, row-major, as
/// the GGUF stores it) and its gradient. The copy starts equal to the base, as PEFT's does.
/// Opt-in: with AdamW's two moments it takes 16 bytes per value.
public struct TrainableMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]
    public var gradient: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "TrainableMatrix: rows × columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
        gradient = Array(repeating: 0, count: values.count)
    }

    /// A copy of `tensor` (any GGUF type, dequantized row by row).
    public init(copying tensor: GGUFTensor) {
        let rows = tensor.info.rowCount, columns = tensor.info.rowLength
        var values = [Float](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBufferPointer { vb in
            let out = UnsafeMutableRawPointer(vb.baseAddress!)
            let chunks = max(1, min(rows, 4 * WorkerThreads.count))
            parallelFor(chunks) { c in
                let p = out.assumingMemoryBound(to: Float.self)
                for r in (rows * c / chunks)..<(rows * (c + 1) / chunks) {
                    dequantize(tensor.type, tensor.row(r), into: UnsafeMutableBufferPointer(start: p + r * columns, count: columns))
                }
            }
        }
        self.init(rows: rows, columns: columns, values: values)
    }

    /// Bytes a trained copy of a `rows × columns` matrix takes: values, gradient and AdamW's
    /// two moments, f32 each.
    public static func trainingBytes(rows: Int, columns: Int) -> Int { rows * columns * 16 }
}
