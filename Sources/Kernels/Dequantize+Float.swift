/// Dequantization of the unquantized storage types: F32 (a copy), F16 and BF16, through
/// the bulk conversions of `HalfFloat.swift`.

func dequantizeF32(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
}

func dequantizeF16(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    halvesToFloats(src, count: count, into: dst)
}

func dequantizeBF16(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
    bfloat16sToFloats(src, count: count, into: dst)
}
