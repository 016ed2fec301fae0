/// Conversions between Float and the two 16-bit float formats GGUF files store:
/// IEEE-754 binary16 ("f16", every block scale) and bfloat16 ("bf16", whole tensors).
///
/// The f16 → Float direction is written with bit operations rather than through
/// `Float16` because it sits in the inner loop of F16 tensors and of every block, and
/// Swift's `Float16` conversion is a library call on x86-64 without F16C. It is exact for
/// every input: subnormals, ±0, ±inf, and NaN (the payload is kept, as numpy does, which is
/// the oracle the tests use).

/// 2¹¹²: a finite half's exponent and mantissa, moved into a Float's fields, describe the
/// half's value times 2⁻¹¹²; multiplying by this rebiases it exactly, subnormals included.
@usableFromInline let halfRebias = Float(bitPattern: 0x7780_0000)

/// The value of an IEEE binary16 bit pattern. Branch-free (a select for inf/NaN), so loops
/// over it vectorize.
@inlinable @inline(__always)
public func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let magnitude = UInt32(h & 0x7FFF) << 13
    let finite = (Float(bitPattern: magnitude) * halfRebias).bitPattern
    // All-ones half exponent (≥ 0x7C00 before the shift): infinity or NaN, payload kept.
    let special = magnitude | 0x7F80_0000
    return Float(bitPattern: sign | (magnitude >= 0x0F80_0000 ? special : finite))
}

/// `count` halves at `src` (any alignment) into `dst`.
@inlinable
public func halvesToFloats(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        dst[i] = halfToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
    }
}

/// The nearest binary16 to `x`, ties to even (what ggml's GGML_FP32_TO_FP16 and numpy's
/// `astype(float16)` do). Only used once per block when quantizing activations.
@inlinable @inline(__always)
public func floatToHalf(_ x: Float) -> UInt16 {
    Float16(x).bitPattern
}

/// The value of a bfloat16 bit pattern: the top half of a Float.
@inlinable @inline(__always)
public func bfloat16ToFloat(_ b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}

/// `count` bfloat16 values at `src` (any alignment) into `dst`.
@inlinable
public func bfloat16sToFloats(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        dst[i] = bfloat16ToFloat(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
    }
}
