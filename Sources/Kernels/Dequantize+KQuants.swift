/// Dequantization of the 256-value super-block formats (ENGINE.md §2.2, K3–K9).
///
/// The sub-block factor is always formed first (`d·sc`, `dmin·m`) and then applied to the
/// small integer, matching the evaluation order of ggml and gguf-py bit for bit.

func dequantizeQ2_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 84, y = dst + b * 256
        let d = p.half(80), dmin = p.half(82)
        for n in 0..<2 {
            let q = p + 16 + 32 * n
            for g in 0..<4 {
                let shift = UInt8(2 * g)
                for half in 0..<2 {
                    let sc = p.u8(8 * n + 2 * g + half)
                    let dl = d * Float(sc & 0x0F), ml = dmin * Float(sc >> 4)
                    let out = y + 128 * n + 32 * g + 16 * half
                    for l in 0..<16 {
                        out[l] = dl * Float((q.u8(16 * half + l) >> shift) & 3) - ml
                    }
                }
            }
        }
    }
}

func dequantizeQ3_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 110, y = dst + b * 256
        let d = p.half(108)
        let scales = p + 96
        for n in 0..<2 {
            let q = p + 32 + 32 * n
            for g in 0..<4 {
                let shift = UInt8(2 * g)
                let mask = UInt8(1) << UInt8(4 * n + g)
                for half in 0..<2 {
                    let dl = d * Float(q3KScale(scales, 8 * n + 2 * g + half))
                    let out = y + 128 * n + 32 * g + 16 * half
                    for l in 0..<16 {
                        let i = 16 * half + l
                        let v = Int((q.u8(i) >> shift) & 3) - (p.u8(i) & mask != 0 ? 0 : 4)
                        out[l] = dl * Float(v)
                    }
                }
            }
        }
    }
}

func dequantizeQ4_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 144, y = dst + b * 256
        let d = p.half(0), dmin = p.half(2)
        for c in 0..<4 {
            let (sc0, mn0) = q4KScaleMin(p + 4, 2 * c)
            let (sc1, mn1) = q4KScaleMin(p + 4, 2 * c + 1)
            let d0 = d * Float(sc0), m0 = dmin * Float(mn0)
            let d1 = d * Float(sc1), m1 = dmin * Float(mn1)
            let q = p + 16 + 32 * c, out = y + 64 * c
            for l in 0..<32 {
                let byte = q.u8(l)
                out[l] = d0 * Float(byte & 0x0F) - m0
                out[l + 32] = d1 * Float(byte >> 4) - m1
            }
        }
    }
}

func dequantizeQ5_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 176, y = dst + b * 256
        let d = p.half(0), dmin = p.half(2)
        let qh = p + 16
        for c in 0..<4 {
            let (sc0, mn0) = q4KScaleMin(p + 4, 2 * c)
            let (sc1, mn1) = q4KScaleMin(p + 4, 2 * c + 1)
            let d0 = d * Float(sc0), m0 = dmin * Float(mn0)
            let d1 = d * Float(sc1), m1 = dmin * Float(mn1)
            let q = p + 48 + 32 * c, out = y + 64 * c
            let bitLo = UInt8(1) << UInt8(2 * c), bitHi = UInt8(1) << UInt8(2 * c + 1)
            for l in 0..<32 {
                let byte = q.u8(l), h = qh.u8(l)
                let lo = (byte & 0x0F) | (h & bitLo != 0 ? 16 : 0)
                let hi = (byte >> 4) | (h & bitHi != 0 ? 16 : 0)
                out[l] = d0 * Float(lo) - m0
                out[l + 32] = d1 * Float(hi) - m1
            }
        }
    }
}

func dequantizeQ6_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 210, y = dst + b * 256
        let d = p.half(208)
        for n in 0..<2 {
            let ql = p + 64 * n, qh = p + 128 + 32 * n, sc = p + 192 + 8 * n
            let out = y + 128 * n
            for l in 0..<32 {
                let k = l / 16
                let h = qh.u8(l)
                let q0 = Int((ql.u8(l) & 0x0F) | (h & 3) << 4) - 32
                let q1 = Int((ql.u8(l + 32) & 0x0F) | ((h >> 2) & 3) << 4) - 32
                let q2 = Int((ql.u8(l) >> 4) | ((h >> 4) & 3) << 4) - 32
                let q3 = Int((ql.u8(l + 32) >> 4) | ((h >> 6) & 3) << 4) - 32
                out[l] = d * Float(sc.i8(k)) * Float(q0)
                out[l + 32] = d * Float(sc.i8(k + 2)) * Float(q1)
                out[l + 64] = d * Float(sc.i8(k + 4)) * Float(q2)
                out[l + 96] = d * Float(sc.i8(k + 6)) * Float(q3)
            }
        }
    }
}

/// Q8_K is an activation format (f32 scale); dequantized only to check the quantizer.
func dequantizeQ8_K(_ src: UnsafeRawPointer, blocks: Int, into dst: UnsafeMutablePointer<Float>) {
    for b in 0..<blocks {
        let p = src + b * 292, y = dst + b * 256
        let d = p.f32(0)
        for j in 0..<256 { y[j] = d * Float(p.i8(4 + j)) }
    }
}
