/// Float → F16 and BF16, both rounding to nearest even (numpy's `astype(float16)`, ggml's
/// `GGML_FP32_TO_FP16` and `ggml_compute_fp32_to_bf16`).

func quantizeF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
    for i in 0..<count { dst.storeU16(floatToHalf(src[i]), at: 2 * i) }
}

func quantizeBF16(_ src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutableRawPointer) {
    for i in 0..<count { dst.storeU16(floatToBFloat16(src[i]), at: 2 * i) }
}

/// ggml's `ggml_compute_fp32_to_bf16`: a NaN becomes a quiet NaN with its sign and top
/// payload bits; anything else rounds to nearest even on the dropped 16 bits.
@inline(__always)
func floatToBFloat16(_ x: Float) -> UInt16 {
    let u = x.bitPattern
    if u & 0x7FFF_FFFF > 0x7F80_0000 { return UInt16(truncatingIfNeeded: (u >> 16) | 64) }
    return UInt16(truncatingIfNeeded: (UInt64(u) + UInt64(0x7FFF + ((u >> 16) & 1))) >> 16)
}
