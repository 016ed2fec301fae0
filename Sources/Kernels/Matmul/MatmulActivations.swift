#if arch(x86_64)
import KernelsAVX512
#endif

/// A batch of activation rows quantized for the matrix kernels: the same codes and scales
/// ggml's Q8_0 / Q8_K quantizers give (the mat-vec path uses them too), laid out per token
/// as plain codes plus, per group of the weight format, the activation scale `d`, the
/// integer `−offset·Σa` a group's sum starts from, and the Float `d·Σa` the minimum uses.
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
    let minSums: UnsafeMutablePointer<Float>

    /// Quantizes `rows` rows of `count` values at `x` (row stride `count`), spread over the cores.
    init(_ x: UnsafePointer<Float>, rows: Int, count: Int, format: PanelFormat) {
        self.format = format
        self.count = count
        groups = count / format.groupSize
        tokens = (rows + 3) & ~3
        codes = .allocate(capacity: tokens * count)
        scales = .allocate(capacity: tokens * groups)
        offsetSums = .allocate(capacity: tokens * groups)
        minSums = .allocate(capacity: tokens * groups)
        let padding = tokens - rows
        (codes + rows * count).initialize(repeating: 0, count: padding * count)
        (scales + rows * groups).initialize(repeating: 0, count: padding * groups)
        (offsetSums + rows * groups).initialize(repeating: 0, count: padding * groups)
        (minSums + rows * groups).initialize(repeating: 0, count: padding * groups)
        let chunks = rows >= 8 ? min(rows / 4, WorkerThreads.count * 4) : 1
        parallelFor(chunks) { [self] c in
            for t in (rows * c / chunks)..<(rows * (c + 1) / chunks) { quantize(x + t * count, row: t) }
        }
    }

    deinit {
        codes.deallocate()
        scales.deallocate()
        offsetSums.deallocate()
        minSums.deallocate()
    }

    /// One token's values → codes and group numbers: the AVX-512 quantizers where the matrix
    /// kernels run, else ggml's blocks from the portable quantizers, converted.
    private func quantize(_ x: UnsafePointer<Float>, row t: Int) {
        #if arch(x86_64)
        if KernelPath.active == .avx512vnni {
            let out = QuantizedRowOutput(codes: codes + t * count, scales: scales + t * groups,
                                         offsetSums: offsetSums + t * groups, minSums: minSums + t * groups)
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
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: format.activations.storageType.rowBytes(count: count)!,
                                                           alignment: 64)
        defer { block.deallocate() }
        quantizeActivations(UnsafeBufferPointer(start: x, count: count), to: format.activations, into: block)
        store(row: t, from: UnsafeRawPointer(block.baseAddress!))
    }

    /// One token's ggml blocks → this layout.
    private func store(row t: Int, from q: UnsafeRawPointer) {
        let out = codes + t * count
        let s = scales + t * groups, o = offsetSums + t * groups, m = minSums + t * groups
        let offset = format.offset
        switch format.activations {
        case .q8_0:
            for b in 0..<count / 32 {
                let block = q + 34 * b
                let d = block.half(0)
                let src = block.int8s(2)
                var sum: Int32 = 0
                for j in 0..<32 {
                    out[32 * b + j] = src[j]
                    sum &+= Int32(src[j])
                }
                s[b] = d
                o[b] = -offset * sum
                m[b] = d * Float(sum)
            }
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
                    m[perBlock * b + g] = d * Float(sum)
                }
            }
        case .f32, .q8_1:
            preconditionFailure("\(format.activations) activations have no matrix layout")
        }
    }
}
