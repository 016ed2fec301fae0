#if arch(x86_64)
import KernelsAVX512
#endif

/// A batch of activation rows quantized for the matrix kernels: the codes and scales of the
/// quantizers llama.cpp runs on x86 for its matrix products (Q8_0: round half to even with
/// `127/amax`, as ggml's SIMD `quantize_row_q8_0`; Q8_K: ggml's reference), laid out per token
/// as plain codes plus, per group of the weight format, the activation scale `d`, the
/// integer `−offset·Σa` a group's sum starts from, and `Σa` as a Float for the minimum.
/// Rows are padded with zeros to a multiple of 4 tokens, the kernels' tile height.
final class MatmulActivations {
    let format: PanelFormat
    let count: Int
    let groups: Int
    /// Padded row count (a multiple of 4).
    let tokens: Int
    let codes: UnsafeMutablePointer<Int8>
    let scales: UnsafeMutablePointer<Float>
    let offsetSums: UnsafeMutablePointer<Int32>
    let codeSums: UnsafeMutablePointer<Float>

    /// Quantizes `rows` rows of `count` values at `x` (row stride `count`), spread over the cores.
    init(_ x: UnsafePointer<Float>, rows: Int, count: Int, format: PanelFormat) {
        self.format = format
        self.count = count
        groups = count / format.groupSize
        tokens = (rows + 3) & ~3
        codes = .allocate(capacity: tokens * count)
        scales = .allocate(capacity: tokens * groups)
        offsetSums = .allocate(capacity: tokens * groups)
        codeSums = .allocate(capacity: tokens * groups)
        let padding = tokens - rows
        (codes + rows * count).initialize(repeating: 0, count: padding * count)
        (scales + rows * groups).initialize(repeating: 0, count: padding * groups)
        (offsetSums + rows * groups).initialize(repeating: 0, count: padding * groups)
        (codeSums + rows * groups).initialize(repeating: 0, count: padding * groups)
        let chunks = rows >= 8 ? min(rows / 4, WorkerThreads.count * 4) : 1
        // The workers get the pointers, not `self`: when a worker dropped the last reference,
        // the batch was freed on that thread and its memory was never reused (tens of MB per
        // prefill; MatmulActivationsTests.testParallelBatchesGiveTheirMemoryBack).
        let job = Job(codes: codes, scales: scales, offsetSums: offsetSums, codeSums: codeSums,
                      count: count, groups: groups, format: format)
        parallelFor(chunks) { c in
            for t in (rows * c / chunks)..<(rows * (c + 1) / chunks) { job.quantize(x + t * count, row: t) }
        }
    }

    deinit {
        codes.deallocate()
        scales.deallocate()
        offsetSums.deallocate()
        codeSums.deallocate()
    }

}

/// The quantization of one batch, shared by the worker threads: pointers into the
/// batch's buffers and the layout, nothing reference-counted.
private struct Job: @unchecked Sendable {
    let codes: UnsafeMutablePointer<Int8>
    let scales: UnsafeMutablePointer<Float>
    let offsetSums: UnsafeMutablePointer<Int32>
    let codeSums: UnsafeMutablePointer<Float>
    let count: Int
    let groups: Int
    let format: PanelFormat

    /// One token's values → codes and group numbers: the AVX-512 quantizers where the matrix
    /// kernels run, else the same in portable Swift (Q8_K through ggml's blocks, converted).
    func quantize(_ x: UnsafePointer<Float>, row t: Int) {
        #if arch(x86_64)
        if KernelPath.active == .avx512vnni {
            let out = QuantizedRowOutput(codes: codes + t * count, scales: scales + t * groups,
                                         offsetSums: offsetSums + t * groups, codeSums: codeSums + t * groups)
            switch format.activations {
            case .q8_0:
                avx512QuantizeRowQ8_0(x, count: count, offset: format.offset, halfScale: { halfToFloat(floatToHalf($0)) }, into: out)
            case .q8_K:
                avx512QuantizeRowQ8_K(x, count: count, groupSize: format.groupSize, offset: format.offset, into: out)
            case .f32, .q8_1:
                preconditionFailure("\(format.activations) activations have no matrix layout")
            }
            return
        }
        #endif
        if format.activations == .q8_0 {
            quantizeQ8_0Nearest(x, row: t)
            return
        }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: format.activations.storageType.rowBytes(count: count)!,
                                                           alignment: 64)
        defer { block.deallocate() }
        quantizeActivations(UnsafeBufferPointer(start: x, count: count), to: format.activations, into: block)
        store(row: t, from: UnsafeRawPointer(block.baseAddress!))
    }

    /// One token's ggml Q8_K blocks → this layout.
    private func store(row t: Int, from q: UnsafeRawPointer) {
        let out = codes + t * count
        let s = scales + t * groups, o = offsetSums + t * groups, m = codeSums + t * groups
        let offset = format.offset
        switch format.activations {
        case .q8_K:
            let perBlock = 256 / format.groupSize, sixteens = format.groupSize / 16
            for b in 0..<count / 256 {
                let block = q + 292 * b
                let d = block.f32(0)
                (out + 256 * b).update(from: block.int8s(4), count: 256)
                for g in 0..<perBlock {
                    var sum: Int32 = 0
                    for k in 0..<sixteens { sum &+= Int32(block.i16(260 + 2 * (g * sixteens + k))) }
                    s[perBlock * b + g] = d
                    o[perBlock * b + g] = -offset * sum
                    m[perBlock * b + g] = Float(sum)
                }
            }
        case .f32, .q8_0, .q8_1:
            preconditionFailure("\(format.activations) blocks are not converted")
        }
    }

    /// Q8_0 as ggml's x86 `quantize_row_q8_0`: per 32 values `d = amax/127` (stored as f16),
    /// codes `round-half-even(x·(127/amax))`.
    private func quantizeQ8_0Nearest(_ x: UnsafePointer<Float>, row t: Int) {
        let out = codes + t * count
        let s = scales + t * groups, o = offsetSums + t * groups, m = codeSums + t * groups
        for b in 0..<count / 32 {
            let v = x + 32 * b
            var amax: Float = 0
            for j in 0..<32 { amax = Swift.max(amax, abs(v[j])) }
            let id: Float = amax != 0 ? 127 / amax : 0
            var sum: Int32 = 0
            for j in 0..<32 {
                let r = (v[j] * id).rounded(.toNearestOrEven)
                let q = r.isNaN ? 0 : Int8(Swift.max(-128, Swift.min(127, r)))
                out[32 * b + j] = q
                sum &+= Int32(q)
            }
            let d = halfToFloat(floatToHalf(amax / 127))
            s[b] = d
            o[b] = -format.offset * sum
            m[b] = Float(sum)
        }
    }
}
