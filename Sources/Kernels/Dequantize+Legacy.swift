/// Dequantization of the 32-value block formats (ENGINE.md §2.1, Q1–Q5).
///
/// All of them split a block in halves: byte j's low nibble is value j and its high nibble
/// value j+16. Q5 types take a fifth bit for value k from bit k of the u32 `qh`.
/// Expressions are written `d * q` and `d * q + m` (no fused multiply-add) to round exactly
/// as ggml's reference and gguf-py do.

func dequantizeQ4_0(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 18, y = dst + b * 32
        let d = p.half(0)
        for j in 0..<16 {
            let q = p.u8(2 + j)
            y[j] = d * Float(Int(q & 0x0F) - 8)
            y[j + 16] = d * Float(Int(q >> 4) - 8)
        }
    }
}

func dequantizeQ4_1(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 20, y = dst + b * 32
        let d = p.half(0), m = p.half(2)
        for j in 0..<16 {
            let q = p.u8(4 + j)
            y[j] = d * Float(q & 0x0F) + m
            y[j + 16] = d * Float(q >> 4) + m
        }
    }
}

func dequantizeQ5_0(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 22, y = dst + b * 32
        let d = p.half(0), qh = p.u32(2)
        for j in 0..<16 {
            let q = p.u8(6 + j)
            let lo = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
            let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
            y[j] = d * Float(lo - 16)
            y[j + 16] = d * Float(hi - 16)
        }
    }
}

func dequantizeQ5_1(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 24, y = dst + b * 32
        let d = p.half(0), m = p.half(2), qh = p.u32(4)
        for j in 0..<16 {
            let q = p.u8(8 + j)
            let lo = Int(q & 0x0F) | Int((qh >> UInt32(j)) & 1) << 4
            let hi = Int(q >> 4) | Int((qh >> UInt32(j + 16)) & 1) << 4
            y[j] = d * Float(lo) + m
            y[j + 16] = d * Float(hi) + m
        }
    }
}

func dequantizeQ8_0(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 34, y = dst + b * 32
        let d = p.half(0)
        for j in 0..<32 { y[j] = d * Float(p.i8(2 + j)) }
    }
}

/// Q8_1 is an activation format; dequantizing it is only needed to check a quantizer.
/// The stored sum `s` is not part of the values.
func dequantizeQ8_1(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 36, y = dst + b * 32
        let d = p.half(0)
        for j in 0..<32 { y[j] = d * Float(p.i8(4 + j)) }
    }
}
