/// Little-endian loads from packed block bytes. GGUF blocks are packed with no padding
/// (a Q4_0 block is 18 bytes), so nothing inside them is aligned: every load is unaligned.
/// The target is little-endian (x86-64, arm64); `littleEndian:` keeps that assumption explicit.
extension UnsafeRawPointer {
    @inline(__always)
    func u8(_ offset: Int) -> UInt8 { load(fromByteOffset: offset, as: UInt8.self) }

    @inline(__always)
    func i8(_ offset: Int) -> Int8 { load(fromByteOffset: offset, as: Int8.self) }

    @inline(__always)
    func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }

    @inline(__always)
    func i16(_ offset: Int) -> Int16 { Int16(littleEndian: loadUnaligned(fromByteOffset: offset, as: Int16.self)) }

    @inline(__always)
    func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }

    @inline(__always)
    func f32(_ offset: Int) -> Float { Float(bitPattern: u32(offset)) }

    /// An f16 field (a block scale), as Float.
    @inline(__always)
    func half(_ offset: Int) -> Float { halfToFloat(u16(offset)) }

    /// The bytes at `offset` as a typed pointer. Quant codes are bytes, so any address is
    /// aligned; kernels index these directly in plain loops, which LLVM vectorizes. (Swift's
    /// SIMD types were tried first: their cross-width conversions compile to per-lane code
    /// and ran about 100× slower than these loops.)
    @inline(__always)
    func bytes(_ offset: Int) -> UnsafePointer<UInt8> { (self + offset).assumingMemoryBound(to: UInt8.self) }

    @inline(__always)
    func int8s(_ offset: Int) -> UnsafePointer<Int8> { (self + offset).assumingMemoryBound(to: Int8.self) }
}

extension UnsafeMutableRawPointer {
    @inline(__always)
    func storeU16(_ value: UInt16, at offset: Int) { storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt16.self) }

    @inline(__always)
    func storeI16(_ value: Int16, at offset: Int) { storeBytes(of: value.littleEndian, toByteOffset: offset, as: Int16.self) }

    @inline(__always)
    func storeF32(_ value: Float, at offset: Int) { storeBytes(of: value.bitPattern.littleEndian, toByteOffset: offset, as: UInt32.self) }
}
