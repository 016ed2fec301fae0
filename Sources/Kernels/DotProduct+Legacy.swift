/// Dot products of the 32-value block formats with Q8_0 / Q8_1 activations
/// (ggml's `ggml_vec_dot_q{4,5,8}_{0,1}_q8_{0,1}`).
///
/// Low nibbles pair with activation values 0–15 and high nibbles with 16–31, so one exact
/// integer sum covers the block. For the Q*_1 formats `w = d·q + m`, and `Σ m·a = m · s`
/// where `s` is the activation block's stored sum: that f16 `s` is llama.cpp's, and its
/// rounding is part of the result.

func dotQ4_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 18 * b, y = a + 34 * b
        let q = x.bytes(2), v = y.int8s(2)
        var s: Int32 = 0
        for j in 0..<16 {
            s &+= (Int32(q[j] & 0x0F) &- 8) &* Int32(v[j]) &+ (Int32(q[j] >> 4) &- 8) &* Int32(v[j + 16])
        }
        sum += (x.half(0) * y.half(0)) * Float(s)
    }
    return sum
}

func dotQ4_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 20 * b, y = a + 36 * b
        let q = x.bytes(4), v = y.int8s(4)
        var s: Int32 = 0
        for j in 0..<16 {
            s &+= Int32(q[j] & 0x0F) &* Int32(v[j]) &+ Int32(q[j] >> 4) &* Int32(v[j + 16])
        }
        sum += (x.half(0) * y.half(0)) * Float(s) + x.half(2) * y.half(2)
    }
    return sum
}

/// Byte b → eight bytes, byte i being 16 when bit i of b is set: spreads a Q5 block's
/// `qh` bits into per-value fifth bits with four lookups instead of 32 variable shifts
/// (which the vectorizer cannot do without AVX2).
private let fifthBitSpread: [UInt64] = (0..<256).map { byte in
    var v: UInt64 = 0
    for i in 0..<8 where (byte >> i) & 1 == 1 { v |= UInt64(16) << (8 * i) }
    return v
}

/// `Σ (code_j − offset) · a_j` over one Q5 block: nibbles at `q`, fifth bits from `qh`.
@inline(__always)
private func q5BlockDot(_ q: UnsafePointer<UInt8>, _ qh: UInt32, _ v: UnsafePointer<Int8>, offset: Int32,
                        _ spread: UnsafePointer<UInt64>) -> Int32 {
    var high = (spread[Int(qh & 0xFF)], spread[Int((qh >> 8) & 0xFF)],
                spread[Int((qh >> 16) & 0xFF)], spread[Int(qh >> 24)])
    return withUnsafeBytes(of: &high) { raw in
        let h = raw.baseAddress!.bytes(0)
        var s: Int32 = 0
        for j in 0..<16 {
            let lo = Int32((q[j] & 0x0F) | h[j]), hi = Int32((q[j] >> 4) | h[j + 16])
            s &+= (lo &- offset) &* Int32(v[j]) &+ (hi &- offset) &* Int32(v[j + 16])
        }
        return s
    }
}

func dotQ5_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    fifthBitSpread.withUnsafeBufferPointer { spread in
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + 22 * b, y = a + 34 * b
            let s = q5BlockDot(x.bytes(6), x.u32(2), y.int8s(2), offset: 16, spread.baseAddress!)
            sum += (x.half(0) * y.half(0)) * Float(s)
        }
        return sum
    }
}

func dotQ5_1(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    fifthBitSpread.withUnsafeBufferPointer { spread in
        var sum: Float = 0
        for b in 0..<blocks {
            let x = w + 24 * b, y = a + 36 * b
            let s = q5BlockDot(x.bytes(8), x.u32(4), y.int8s(4), offset: 0, spread.baseAddress!)
            sum += (x.half(0) * y.half(0)) * Float(s) + x.half(2) * y.half(2)
        }
        return sum
    }
}

func dotQ8_0(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 34 * b, y = a + 34 * b
        sum += (x.half(0) * y.half(0)) * Float(integerDot(x.int8s(2), y.int8s(2), count: 32))
    }
    return sum
}
