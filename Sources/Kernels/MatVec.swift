import Dispatch
import Foundation
import GGUF

/// Matrix–vector product `y = W·x` over a stored weight matrix (ENGINE.md G6: output o is
/// the dot product of stored row o with x). The activations are quantized once, then the
/// rows are split into contiguous chunks run across all cores with `parallelFor` — a few
/// chunks per core so uneven cores even out, but never one dispatch per row, whose overhead
/// would rival a 640-value dot product. Decode also fuses the mat-vecs that read the same
/// vector (attention q/k/v; the GeGLU gate and up with the activation between them) into
/// one parallel region with the activations quantized once.

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
            parallelFor(plan.chunks) { c in
                job.run(plan.range(c))
            }
        }
    }
}

/// One matrix of a fused mat-vec: `output = weights · x`.
public struct MatVecTarget {
    public let weights: GGUFTensor
    public let output: UnsafeMutableBufferPointer<Float>

    public init(_ weights: GGUFTensor, into output: UnsafeMutableBufferPointer<Float>) {
        self.weights = weights
        self.output = output
    }
}

/// Activations of one vector in every format some of `types` pair with, quantized once
/// into one scratch buffer that lives for `body`.
private func withActivations<R>(_ x: UnsafeBufferPointer<Float>, for types: [GGMLType],
                                _ body: (_ pointer: (GGMLType) -> UnsafeRawPointer) -> R) -> R {
    var formats: [ActivationFormat] = []
    var offsets: [Int] = []
    var total = 0
    for type in types {
        let format = ActivationFormat(pairedWith: type)
        guard !formats.contains(format) else { continue }
        guard let size = format.storageType.rowBytes(count: x.count) else {
            preconditionFailure("\(x.count) values are not whole \(format) blocks")
        }
        formats.append(format)
        offsets.append(total)
        total += (size + 63) & ~63
    }
    return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 64) { scratch in
        for (format, offset) in zip(formats, offsets) {
            let size = format.storageType.rowBytes(count: x.count)!
            quantizeActivations(x, to: format, into: UnsafeMutableRawBufferPointer(rebasing: scratch[offset..<(offset + size)]))
        }
        let base = UnsafeRawPointer(scratch.baseAddress!)
        return body { type in base + offsets[formats.firstIndex(of: ActivationFormat(pairedWith: type))!] }
    }
}

private func rowJob(_ w: GGUFTensor, _ activations: UnsafeRawPointer, _ output: UnsafeMutablePointer<Float>) -> RowJob {
    let n = w.info.rowLength
    return RowJob(weights: w.data.baseAddress!, activations: activations, output: output,
                  rowBytes: w.type.rowBytes(count: n)!, rowLength: n, type: w.type,
                  kernel: rowsKernel(w.type, path: KernelPath.active))
}

/// `target.output = target.weights · x` for several matrices with the same row length (attention
/// q, k and v): `x` is quantized once per activation format and all rows of all matrices
/// are split into chunks of one parallel region. Same results as one `matVec` per matrix.
public func matVec(_ targets: [MatVecTarget], x: UnsafeBufferPointer<Float>) {
    for t in targets {
        precondition(t.weights.info.rowLength == x.count, "matVec: \(t.weights.name) rows have \(t.weights.info.rowLength) values, x has \(x.count)")
        precondition(t.output.count == t.weights.info.rowCount, "matVec: \(t.weights.name) has \(t.weights.info.rowCount) rows, output \(t.output.count)")
    }
    guard !x.isEmpty else {
        for t in targets { t.output.initialize(repeating: 0) }
        return
    }
    withActivations(x, for: targets.map(\.weights.type)) { activations in
        let jobs = targets.map { rowJob($0.weights, activations($0.weights.type), $0.output.baseAddress!) }
        var starts: [Int] = [0]
        for t in targets { starts.append(starts.last! + t.weights.info.rowCount) }
        let plan = RowChunking(rowCount: starts.last!, rowLength: x.count)
        jobs.withUnsafeBufferPointer { jobs in
            starts.withUnsafeBufferPointer { starts in
                parallelFor(plan.chunks) { c in
                    let range = plan.range(c)
                    // The chunk's piece of each matrix it overlaps.
                    for m in 0..<jobs.count where starts[m] < range.upperBound && starts[m + 1] > range.lowerBound {
                        let lo = max(range.lowerBound, starts[m]) - starts[m]
                        let hi = min(range.upperBound, starts[m + 1]) - starts[m]
                        jobs[m].run(lo..<hi)
                    }
                }
            }
        }
    }
}

/// The GeGLU feed-forward input for one vector (ENGINE.md T12–T14):
/// `out[i] = GELU(gate_i · x) · (up_i · x)`, both mat-vecs and the activation in one
/// parallel region, each chunk finishing its rows. Same results as the separate steps
/// followed by `geluTanhGated` (the vectorised `fastExp` GELU of prompt batches: libm's
/// scalar `tanhf` cost 2.5% of a 4B decode step).
public func matVecGeGLU(gate: GGUFTensor, up: GGUFTensor, x: UnsafeBufferPointer<Float>,
                        into out: UnsafeMutableBufferPointer<Float>) {
    let rows = gate.info.rowCount
    precondition(gate.info.rowLength == x.count && up.info.rowLength == x.count, "matVecGeGLU: row lengths")
    precondition(up.info.rowCount == rows && out.count == rows, "matVecGeGLU: \(rows) gate rows, \(up.info.rowCount) up rows, \(out.count) outputs")
    guard rows > 0 else { return }
    guard !x.isEmpty else {
        out.initialize(repeating: 0)
        return
    }
    withActivations(x, for: [gate.type, up.type]) { activations in
        let gateJob = rowJob(gate, activations(gate.type), out.baseAddress!)
        let upJob = rowJob(up, activations(up.type), out.baseAddress!)
        let plan = RowChunking(rowCount: rows, rowLength: 2 * x.count)
        parallelFor(plan.chunks) { c in
            let range = plan.range(c)
            let g = out.baseAddress! + range.lowerBound
            gateJob.run(range, into: g)
            withUnsafeTemporaryAllocation(of: Float.self, capacity: range.count) { u in
                upJob.run(range, into: u.baseAddress!)
                geluTanhGated(g, up: u.baseAddress!, count: range.count)
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

    /// The threads `parallelFor` spreads over (all cores unless `bench -t` says otherwise).
    static var cores: Int { WorkerThreads.count }

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
/// so sharing them across the parallelFor workers is safe.
private struct RowJob: @unchecked Sendable {
    let weights: UnsafeRawPointer
    let activations: UnsafeRawPointer
    let output: UnsafeMutablePointer<Float>
    let rowBytes: Int
    let rowLength: Int
    let type: GGMLType
    let kernel: RowsKernel?

    func run(_ rows: Range<Int>) {
        run(rows, into: output + rows.lowerBound)
    }

    /// Rows `rows` into `dst[0..<rows.count]`.
    func run(_ rows: Range<Int>, into dst: UnsafeMutablePointer<Float>) {
        if let kernel {
            kernel(weights + rows.lowerBound * rowBytes, rowBytes, rows.count, activations, rowLength / type.blockSize, dst)
            return
        }
        for r in rows {
            dst[r - rows.lowerBound] = dotRow(type, weights + r * rowBytes, activations, count: rowLength)
        }
    }
}
