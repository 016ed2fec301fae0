import GGUF

/// Quantization of activation vectors before a quantized matrix-vector product, as
/// llama.cpp's CPU backend does it: the weight row and the activations are both small
/// integers per block, so the inner product runs in integer arithmetic and only one float
/// multiply per block remains.
///
/// The rounding follows ggml's reference quantizers exactly (`quantize_row_q8_0_ref`,
/// `quantize_row_q8_1_ref`, `quantize_row_q8_K_ref`): Q8_0/Q8_1 round half away from zero
/// (`roundf`), Q8_K rounds half to even (ggml's `nearest_int`), and Q8_K picks the signed
/// value of largest magnitude (the first one on ties) so that it maps to exactly −127.
/// The tests compare the produced blocks byte for byte against that reference.

/// The format a weight type's dot product wants its activations in (ENGINE.md §2.3).
public enum ActivationFormat: Sendable, Equatable, CustomStringConvertible {
    /// Plain Float activations, for F32/F16/BF16 weights.
    case f32
    case q8_0
    /// Q8_0 plus the block sum `s = d·Σq`, which absorbs the weight's min term.
    case q8_1
    /// 256-value blocks with an f32 scale and sums of each 16 values, for K-quants.
    case q8_K

    /// The pairing llama.cpp's CPU backend uses for `weight`.
    public init(pairedWith weight: GGMLType) {
        switch weight {
        case .f32, .f16, .bf16: self = .f32
        case .q4_0, .q5_0, .q8_0: self = .q8_0
        case .q4_1, .q5_1: self = .q8_1
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K: self = .q8_K
        case .q8_1, .q8_K: preconditionFailure("\(weight) is an activation format, not a weight type")
        }
    }

    /// The ggml type the activations are stored as.
    public var storageType: GGMLType {
        switch self {
        case .f32: return .f32
        case .q8_0: return .q8_0
        case .q8_1: return .q8_1
        case .q8_K: return .q8_K
        }
    }

    public var description: String { storageType.name }
}

/// An activation vector in the format one weight type pairs with, quantized once and then
/// reused for every row of the matrix (and for every matrix of that type fed the same vector).
public struct QuantizedActivations: Sendable {
    public let format: ActivationFormat
    /// Number of values (the row length of the weights it multiplies).
    public let count: Int
    /// The blocks exactly as ggml lays them out (little-endian Floats for `.f32`).
    public let bytes: [UInt8]

    public init(_ x: UnsafeBufferPointer<Float>, format: ActivationFormat) {
        let type = format.storageType
        guard let size = type.rowBytes(count: x.count) else {
            preconditionFailure("\(x.count) activations are not whole \(type) blocks of \(type.blockSize)")
        }
        self.format = format
        self.count = x.count
        self.bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            quantizeActivations(x, to: format, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = size
        }
    }

    /// Ready-made blocks (tests build activations with chosen codes).
    init(format: ActivationFormat, count: Int, bytes: [UInt8]) {
        precondition(format.storageType.rowBytes(count: count) == bytes.count, "\(count) \(format) values are not \(bytes.count) bytes")
        self.format = format
        self.count = count
        self.bytes = bytes
    }

    /// Quantizes `x` for a matrix of `weightType`.
    public init(_ x: UnsafeBufferPointer<Float>, for weightType: GGMLType) {
        self.init(x, format: ActivationFormat(pairedWith: weightType))
    }

    public init(_ x: [Float], for weightType: GGMLType) {
        self = x.withUnsafeBufferPointer { QuantizedActivations($0, for: weightType) }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}

/// Writes `x` in `format` into `dst`, which must be exactly the size of the result; for
/// callers that keep their own scratch buffers.
public func quantizeActivations(_ x: UnsafeBufferPointer<Float>, to format: ActivationFormat,
                                into dst: UnsafeMutableRawBufferPointer) {
    switch format {
    case .f32:
        precondition(dst.count == x.count * 4, "F32 activations: destination size")
        if x.count > 0 { dst.baseAddress!.copyMemory(from: x.baseAddress!, byteCount: x.count * 4) }
    case .q8_0: quantizeQ8_0(x, into: dst)
    case .q8_1: quantizeQ8_1(x, into: dst)
    case .q8_K: quantizeQ8_K(x, into: dst)
    }
}

/// Float → Int8 for an already rounded value that is in range for finite input; NaN (from
/// non-finite input) becomes 0 instead of trapping.
@inline(__always)
private func saturatingInt8(_ r: Float) -> Int8 {
    r.isNaN ? 0 : Int8(Swift.max(-128, Swift.min(127, r)))
}

/// The block scale of Q8_0/Q8_1: `amax / 127`, and its inverse (0 for an all-zero block).
@inline(__always)
private func q8Scale(_ v: UnsafePointer<Float>) -> (d: Float, id: Float) {
    var amax: Float = 0
    for j in 0..<32 {
        let a = abs(v[j])
        amax = amax > a ? amax : a   // C's MAX(amax, a)
    }
    let d = amax / 127
    return (d, d != 0 ? 1 / d : 0)
}

/// Q8_0: per 32 values, f16 `d = amax/127` and `q = roundf(x · (1/d))`. The inverse is taken
/// from the f32 `d` before it is rounded to f16, as the reference does.
public func quantizeQ8_0(_ x: UnsafeBufferPointer<Float>, into dst: UnsafeMutableRawBufferPointer) {
    precondition(x.count % 32 == 0 && dst.count == x.count / 32 * 34, "Q8_0: \(x.count) values into \(dst.count) bytes")
    guard let src = x.baseAddress, let out = dst.baseAddress else { return }
    for b in 0..<x.count / 32 {
        let v = src + 32 * b, o = out + 34 * b
        let (d, id) = q8Scale(v)
        o.storeU16(floatToHalf(d), at: 0)
        for j in 0..<32 {
            o.storeBytes(of: saturatingInt8((v[j] * id).rounded(.toNearestOrAwayFromZero)), toByteOffset: 2 + j, as: Int8.self)
        }
    }
}

/// Q8_1: Q8_0 plus `s = f16(Float(Σq) · d)` with the unrounded f32 `d`.
public func quantizeQ8_1(_ x: UnsafeBufferPointer<Float>, into dst: UnsafeMutableRawBufferPointer) {
    precondition(x.count % 32 == 0 && dst.count == x.count / 32 * 36, "Q8_1: \(x.count) values into \(dst.count) bytes")
    guard let src = x.baseAddress, let out = dst.baseAddress else { return }
    for b in 0..<x.count / 32 {
        let v = src + 32 * b, o = out + 36 * b
        let (d, id) = q8Scale(v)
        var sum: Int32 = 0
        for j in 0..<32 {
            let q = saturatingInt8((v[j] * id).rounded(.toNearestOrAwayFromZero))
            o.storeBytes(of: q, toByteOffset: 4 + j, as: Int8.self)
            sum += Int32(q)
        }
        o.storeU16(floatToHalf(d), at: 0)
        o.storeU16(floatToHalf(Float(sum) * d), at: 2)
    }
}

/// Q8_K: per 256 values, `iscale = −127/max` where `max` is the first value of largest
/// magnitude, `q = min(127, round-half-even(iscale·x))`, f32 `d = 1/iscale`, and the sums of
/// each 16 q's (which let K-quant dot products apply the weights' mins per sub-block). An
/// all-zero block is all zeros.
public func quantizeQ8_K(_ x: UnsafeBufferPointer<Float>, into dst: UnsafeMutableRawBufferPointer) {
    precondition(x.count % 256 == 0 && dst.count == x.count / 256 * 292, "Q8_K: \(x.count) values into \(dst.count) bytes")
    guard let src = x.baseAddress, let out = dst.baseAddress else { return }
    for b in 0..<x.count / 256 {
        let v = src + 256 * b, o = out + 292 * b
        var amax: Float = 0, max: Float = 0
        for j in 0..<256 {
            let a = abs(v[j])
            if a > amax { amax = a; max = v[j] }
        }
        if amax == 0 {
            (o + 0).initializeMemory(as: UInt8.self, repeating: 0, count: 292)
            continue
        }
        let iscale = -127 / max
        for j in 0..<256 {
            let q = saturatingInt8((iscale * v[j]).rounded(.toNearestOrEven))
            o.storeBytes(of: q, toByteOffset: 4 + j, as: Int8.self)
        }
        for k in 0..<16 {
            var sum: Int16 = 0
            for j in 0..<16 { sum += Int16(o.load(fromByteOffset: 4 + 16 * k + j, as: Int8.self)) }
            o.storeI16(sum, at: 260 + 2 * k)
        }
        o.storeF32(1 / iscale, at: 0)
    }
}
