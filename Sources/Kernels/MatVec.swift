import Dispatch
import Foundation
import GGUF

/// Matrix–vector product `y = W·x` over a stored weight matrix (GEMMA3.md G6: output o is
/// the dot product of stored row o with x). The activations are quantized once, then the
/// rows are split into contiguous chunks run across all cores with
/// `DispatchQueue.concurrentPerform` — a few chunks per core so uneven cores even out, but
/// never one dispatch per row, whose overhead would rival a 640-value dot product.

/// `y = W·x` for a 2-D weight tensor (`shape[0]` = row length = `x.count`, rows = `y.count`).
public func matVec(_ weights: GGUFTensor, _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
    matVec(rows: weights.data, type: weights.type, rowCount: weights.info.rowCount, rowLength: weights.info.rowLength,
           x: x, into: y)
}

/// `y = W·x` for `rowCount` rows of `rowLength` values of `type`, stored back to back in `rows`.
public func matVec(rows: UnsafeRawBufferPointer, type: GGMLType, rowCount: Int, rowLength: Int,
                   x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
    precondition(x.count == rowLength, "matVec: x has \(x.count) values, rows have \(rowLength)")
    let activations = QuantizedActivations(x, for: type)
    matVec(rows: rows, type: type, rowCount: rowCount, activations: activations, into: y)
}

/// `y = W·x` with `x` already quantized, so several matrices of one type that read the same
/// vector (attention q/k/v, ffn gate/up) quantize it once.
public func matVec(rows: UnsafeRawBufferPointer, type: GGMLType, rowCount: Int,
                   activations: QuantizedActivations, into y: UnsafeMutableBufferPointer<Float>) {
    precondition(activations.format == ActivationFormat(pairedWith: type),
                 "\(type) weights need \(ActivationFormat(pairedWith: type)) activations, got \(activations.format)")
    guard let rowBytes = type.rowBytes(count: activations.count) else {
        preconditionFailure("\(activations.count) values are not whole \(type) blocks")
    }
    precondition(rows.count == rowBytes * rowCount, "matVec: \(rows.count) bytes is not \(rowCount) rows of \(rowBytes)")
    precondition(y.count == rowCount, "matVec: y has \(y.count) values for \(rowCount) rows")
    guard rowCount > 0 else { return }
    guard activations.count > 0 else {
        y.initialize(repeating: 0)
        return
    }
    let n = activations.count
    activations.withUnsafeBytes { act in
        let job = RowJob(weights: rows.baseAddress!, activations: act.baseAddress!, output: y.baseAddress!,
                         rowBytes: rowBytes, rowLength: n, type: type, kernel: rowsKernel(type, path: KernelPath.active))
        let plan = RowChunking(rowCount: rowCount, rowLength: n)
        if plan.chunks == 1 {
            job.run(0..<rowCount)
        } else {
            DispatchQueue.concurrentPerform(iterations: plan.chunks) { c in
                job.run(plan.range(c))
            }
        }
    }
}

/// How rows are split across threads.
struct RowChunking {
    let rowCount: Int
    let chunkRows: Int
    let chunks: Int

    /// Below about this many multiply-adds a chunk costs more to dispatch than to compute.
    static let minimumWorkPerChunk = 32 * 1024
    static let chunksPerCore = 4

    /// Read once: the count does not change while the process runs.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    init(rowCount: Int, rowLength: Int, cores: Int = RowChunking.cores) {
        let minRows = max(1, Self.minimumWorkPerChunk / max(1, rowLength))
        let wanted = max(1, cores * Self.chunksPerCore)
        let rows = max(minRows, (rowCount + wanted - 1) / wanted)
        self.rowCount = rowCount
        self.chunkRows = rows
        self.chunks = (rowCount + rows - 1) / rows
    }

    func range(_ chunk: Int) -> Range<Int> {
        let start = chunk * chunkRows
        return start..<min(rowCount, start + chunkRows)
    }
}

/// The pointers one matVec call works on. Each chunk writes a disjoint range of `output`,
/// so sharing them across the concurrentPerform workers is safe.
private struct RowJob: @unchecked Sendable {
    let weights: UnsafeRawPointer
    let activations: UnsafeRawPointer
    let output: UnsafeMutablePointer<Float>
    let rowBytes: Int
    let rowLength: Int
    let type: GGMLType
    let kernel: RowsKernel?

    func run(_ rows: Range<Int>) {
        if let kernel {
            kernel(weights + rows.lowerBound * rowBytes, rowBytes, rows.count, activations, rowLength / type.blockSize,
                   output + rows.lowerBound)
            return
        }
        for r in rows {
            output[r] = dotRow(type, weights + r * rowBytes, activations, count: rowLength)
        }
    }
}
