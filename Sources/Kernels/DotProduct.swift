import GGUF

/// Dot product of one stored weight row with an activation vector, in the integer domain
/// for quantized weights as llama.cpp's CPU backend does it: each block's small-integer
/// products are summed exactly in Int32, then scaled once by `d_w · d_a` (and, for formats
/// with a min, corrected with the activation block sums). Per-format code lives in
/// `DotProduct+Float.swift`, `DotProduct+Legacy.swift` and `DotProduct+KQuants.swift`.
///
/// The loops are plain Swift written for LLVM's auto-vectorizer; intrinsics come later.

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
