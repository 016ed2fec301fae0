import GGUF
import KernelsAVX2
#if arch(x86_64)
import KernelsAVX512
#endif

/// Dot product of one stored weight row with an activation vector, in the integer domain
/// for quantized weights as llama.cpp's CPU backend does it: each block's small-integer
/// products are summed exactly in Int32, then scaled once by `d_w · d_a` (and, for formats
/// with a min, corrected with the activation block sums). Per-format code lives in
/// `DotProduct+Float.swift`, `DotProduct+Legacy.swift` and `DotProduct+KQuants.swift`.
///
/// The loops here are plain Swift written for LLVM's auto-vectorizer: the portable path and
/// the reference. On x86-64 CPUs with AVX2/FMA/F16C the quantized formats run the
/// `KernelsAVX2` kernels instead (`KernelPath`), which give the same integer block sums.

/// `Σ row[i] · x[i]` for one weight row of `type` and activations quantized for that type.
public func dot(row: UnsafeRawBufferPointer, type: GGMLType, activations: QuantizedActivations) -> Float {
    precondition(activations.format == ActivationFormat(pairedWith: type),
                 "\(type) weights need \(ActivationFormat(pairedWith: type)) activations, got \(activations.format)")
    precondition(row.count == type.rowBytes(count: activations.count),
                 "a \(type) row of \(activations.count) values is \(type.rowBytes(count: activations.count) ?? -1) bytes, got \(row.count)")
    guard activations.count > 0, let w = row.baseAddress else { return 0 }
    return activations.withUnsafeBytes { dotRow(type, w, $0.baseAddress!, count: activations.count) }
}

/// The unchecked kernel behind `dot(row:type:activations:)` and `matVec`: `w` is one row of
/// `count` values of `type`, `a` the activations in the paired format.
@inline(__always)
func dotRow(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> Float {
    if let kernel = rowsKernel(type, path: KernelPath.active) {
        var result: Float = 0
        kernel(w, 0, 1, a, n / type.blockSize, &result)
        return result
    }
    return dotRowPortable(type, w, a, count: n)
}

/// `out[r] = row r · a` for `rows` rows of `blocks` blocks, `rowBytes` apart.
typealias RowsKernel = (_ w: UnsafeRawPointer, _ rowBytes: Int, _ rows: Int, _ a: UnsafeRawPointer, _ blocks: Int,
                        _ out: UnsafeMutablePointer<Float>) -> Void

/// The multi-row kernel for `type` on `path`, or nil where that path has none (the portable
/// path, and the unquantized types, which always take `dotRowPortable`).
func rowsKernel(_ type: GGMLType, path: KernelPath) -> RowsKernel? {
    #if arch(x86_64)
    guard path.usesAVX2 else { return nil }
    // AVX-512 BW rows for the two formats of Q4_K_M files (bit-identical to AVX2).
    if path == .avx512vnni {
        if type == .q4_K { return avx512DotRowsQ4_K }
        if type == .q6_K { return avx512DotRowsQ6_K }
    }
    switch type {
    case .q4_0: return avx2DotRowsQ4_0
    case .q4_1: return avx2DotRowsQ4_1
    case .q5_0: return avx2DotRowsQ5_0
    case .q5_1: return avx2DotRowsQ5_1
    case .q8_0: return avx2DotRowsQ8_0
    case .q2_K: return avx2DotRowsQ2_K
    case .q3_K: return avx2DotRowsQ3_K
    case .q4_K: return avx2DotRowsQ4_K
    case .q5_K: return avx2DotRowsQ5_K
    case .q6_K: return avx2DotRowsQ6_K
    case .f32, .f16, .bf16, .q8_1, .q8_K: return nil
    }
    #else
    return nil
    #endif
}

/// The portable Swift kernels, on every CPU.
@inline(__always)
func dotRowPortable(_ type: GGMLType, _ w: UnsafeRawPointer, _ a: UnsafeRawPointer, count n: Int) -> Float {
    switch type {
    case .f32: return dotF32(w, a, count: n)
    case .f16: return dotF16(w, a, count: n)
    case .bf16: return dotBF16(w, a, count: n)
    case .q4_0: return dotQ4_0(w, a, blocks: n / 32)
    case .q4_1: return dotQ4_1(w, a, blocks: n / 32)
    case .q5_0: return dotQ5_0(w, a, blocks: n / 32)
    case .q5_1: return dotQ5_1(w, a, blocks: n / 32)
    case .q8_0: return dotQ8_0(w, a, blocks: n / 32)
    case .q2_K: return dotQ2_K(w, a, blocks: n / 256)
    case .q3_K: return dotQ3_K(w, a, blocks: n / 256)
    case .q4_K: return dotQ4_K(w, a, blocks: n / 256)
    case .q5_K: return dotQ5_K(w, a, blocks: n / 256)
    case .q6_K: return dotQ6_K(w, a, blocks: n / 256)
    case .q8_1, .q8_K: preconditionFailure("\(type) is an activation format, not a weight type")
    }
}

// MARK: Shared helpers

/// Exact `Σ w[i]·a[i]` over `count` signed bytes.
@inline(__always)
func integerDot(_ w: UnsafePointer<Int8>, _ a: UnsafePointer<Int8>, count: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<count { s &+= Int32(w[i]) &* Int32(a[i]) }
    return s
}
