/// bf16 rounding written from the format's definition (the top 16 bits of an f32, rounded to
/// nearest, ties to even), for tests of the bf16 kernels: not taken from the code under test.

/// A finite float rounded to bf16 to nearest, ties to even; values below the smallest normal
/// float flush to zero, as the AVX-512 BF16 conversions do.
public func bf16Bits(_ x: Float) -> UInt16 {
    let bits = x.bitPattern
    if bits & 0x7F80_0000 == 0 { return UInt16(bits >> 16) & 0x8000 }
    let kept = bits >> 16, rest = bits & 0xFFFF
    let up = rest > 0x8000 || (rest == 0x8000 && kept & 1 == 1)
    return UInt16(kept + (up ? 1 : 0))
}

/// The f32 value of bf16 bits.
public func bf16Value(_ b: UInt16) -> Float { Float(bitPattern: UInt32(b) << 16) }

/// `x` rounded to bf16, as an f32.
public func bf16Rounded(_ x: Float) -> Float { bf16Value(bf16Bits(x)) }
