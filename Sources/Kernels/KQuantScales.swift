/// Unpacking of the packed sub-block scales of the K-quant super-blocks, shared by
/// dequantization and the dot products (ENGINE.md §2.2 K1, K2, K7).

/// Q4_K / Q5_K: the 6-bit scale and 6-bit min of sub-block `j` (0..<8) from the 12 bytes at
/// `s` (ggml's get_scale_min_k4). The first four of each are plain 6-bit fields; the last
/// four keep their low 4 bits in bytes 8–11 and their top 2 bits in the spare top bits of
/// bytes 0–7.
@inline(__always)
func q4KScaleMin(_ s: UnsafeRawPointer, _ j: Int) -> (scale: UInt8, min: UInt8) {
    if j < 4 {
        return (s.u8(j) & 63, s.u8(j + 4) & 63)
    }
    let scale = (s.u8(j + 4) & 0x0F) | ((s.u8(j - 4) >> 6) << 4)
    let min = (s.u8(j + 4) >> 4) | ((s.u8(j) >> 6) << 4)
    return (scale, min)
}

/// Q3_K: the signed 6-bit scale of sub-block `j` (0..<16) from the 12 bytes at `s`: low 4
/// bits from the nibbles of bytes 0–7, top 2 bits from bytes 8–11, stored with a +32 bias.
@inline(__always)
func q3KScale(_ s: UnsafeRawPointer, _ j: Int) -> Int32 {
    let low4 = j < 8 ? s.u8(j) & 0x0F : s.u8(j - 8) >> 4
    let high2 = (s.u8(8 + j % 4) >> UInt8(2 * (j / 4))) & 3
    return Int32(low4 | high2 << 4) - 32
}
