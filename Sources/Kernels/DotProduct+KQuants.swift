/// Dot products of the K-quant super-blocks with Q8_K activations
/// (ggml's `ggml_vec_dot_q{2..6}_K_q8_K`).
///
/// Per super-block: integer dots of each 16- or 32-value sub-block times its integer
/// scale, summed in Int32 (bounded by 16·128·16·32·127 < 2³¹), then one multiply by
/// `d_w · d_a`. The formats with a min (Q2_K, Q4_K, Q5_K) subtract `dmin · Σ m_j · bsum_j`,
/// using the Q8_K block sums instead of touching the activations again.
/// Activation offsets in a Q8_K block: d f32 at 0, qs at 4, bsums (i16) at 260.

/// The Q8_K sum of activation values 16k ..< 16k+16.
@inline(__always)
private func bsum(_ y: UnsafeRawPointer, _ k: Int) -> Int32 { Int32(y.i16(260 + 2 * k)) }

func dotQ2_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 84 * b, y = a + 292 * b
        var isum: Int32 = 0, msum: Int32 = 0
        for j in 0..<16 { msum &+= bsum(y, j) &* Int32(x.u8(j) >> 4) }
        for n in 0..<2 {
            let q = x.bytes(16 + 32 * n)
            for g in 0..<4 {
                let shift = UInt8(2 * g)
                let v = y.int8s(4 + 128 * n + 32 * g)
                var s0: Int32 = 0, s1: Int32 = 0
                for l in 0..<16 {
                    s0 &+= Int32((q[l] >> shift) & 3) &* Int32(v[l])
                    s1 &+= Int32((q[l + 16] >> shift) & 3) &* Int32(v[l + 16])
                }
                let s = 8 * n + 2 * g
                isum &+= Int32(x.u8(s) & 0x0F) &* s0 &+ Int32(x.u8(s + 1) & 0x0F) &* s1
            }
        }
        let yd = y.f32(0)
        sum += (yd * x.half(80)) * Float(isum) - (yd * x.half(82)) * Float(msum)
    }
    return sum
}

func dotQ3_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 110 * b, y = a + 292 * b
        let hmask = x.bytes(0)
        var isum: Int32 = 0
        for n in 0..<2 {
            let q = x.bytes(32 + 32 * n)
            for g in 0..<4 {
                let shift = UInt8(2 * g), hbit = UInt8(4 * n + g)
                let v = y.int8s(4 + 128 * n + 32 * g)
                // Code − 4 when the high-mask bit is clear: (q2 | h<<2) − 4.
                var s0: Int32 = 0, s1: Int32 = 0
                for l in 0..<16 {
                    let c0 = Int32(((q[l] >> shift) & 3) | ((hmask[l] >> hbit) & 1) << 2) &- 4
                    let c1 = Int32(((q[l + 16] >> shift) & 3) | ((hmask[l + 16] >> hbit) & 1) << 2) &- 4
                    s0 &+= c0 &* Int32(v[l])
                    s1 &+= c1 &* Int32(v[l + 16])
                }
                let s = 8 * n + 2 * g
                isum &+= q3KScale(x + 96, s) &* s0 &+ q3KScale(x + 96, s + 1) &* s1
            }
        }
        sum += (x.half(108) * y.f32(0)) * Float(isum)
    }
    return sum
}

func dotQ4_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 144 * b, y = a + 292 * b
        var isum: Int32 = 0, msum: Int32 = 0
        for c in 0..<4 {
            let (sc0, mn0) = q4KScaleMin(x + 4, 2 * c)
            let (sc1, mn1) = q4KScaleMin(x + 4, 2 * c + 1)
            let q = x.bytes(16 + 32 * c), v = y.int8s(4 + 64 * c)
            var s0: Int32 = 0, s1: Int32 = 0
            for l in 0..<32 {
                s0 &+= Int32(q[l] & 0x0F) &* Int32(v[l])
                s1 &+= Int32(q[l] >> 4) &* Int32(v[l + 32])
            }
            isum &+= Int32(sc0) &* s0 &+ Int32(sc1) &* s1
            msum &+= Int32(mn0) &* (bsum(y, 4 * c) &+ bsum(y, 4 * c + 1))
            msum &+= Int32(mn1) &* (bsum(y, 4 * c + 2) &+ bsum(y, 4 * c + 3))
        }
        let yd = y.f32(0)
        sum += (x.half(0) * yd) * Float(isum) - (x.half(2) * yd) * Float(msum)
    }
    return sum
}

func dotQ5_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 176 * b, y = a + 292 * b
        let qh = x.bytes(16)
        var isum: Int32 = 0, msum: Int32 = 0
        for c in 0..<4 {
            let (sc0, mn0) = q4KScaleMin(x + 4, 2 * c)
            let (sc1, mn1) = q4KScaleMin(x + 4, 2 * c + 1)
            let q = x.bytes(48 + 32 * c), v = y.int8s(4 + 64 * c)
            let bitLo = UInt8(2 * c), bitHi = UInt8(2 * c + 1)
            var s0: Int32 = 0, s1: Int32 = 0
            for l in 0..<32 {
                let lo = (q[l] & 0x0F) | ((qh[l] >> bitLo) & 1) << 4
                let hi = (q[l] >> 4) | ((qh[l] >> bitHi) & 1) << 4
                s0 &+= Int32(lo) &* Int32(v[l])
                s1 &+= Int32(hi) &* Int32(v[l + 32])
            }
            isum &+= Int32(sc0) &* s0 &+ Int32(sc1) &* s1
            msum &+= Int32(mn0) &* (bsum(y, 4 * c) &+ bsum(y, 4 * c + 1))
            msum &+= Int32(mn1) &* (bsum(y, 4 * c + 2) &+ bsum(y, 4 * c + 3))
        }
        let yd = y.f32(0)
        sum += (x.half(0) * yd) * Float(isum) - (x.half(2) * yd) * Float(msum)
    }
    return sum
}

func dotQ6_K(_ w: UnsafeRawPointer, _ a: UnsafeRawPointer, blocks: Int) -> Float {
    var sum: Float = 0
    for b in 0..<blocks {
        let x = w + 210 * b, y = a + 292 * b
        var isum: Int32 = 0
        for n in 0..<2 {
            let ql = x.bytes(64 * n), qh = x.bytes(128 + 32 * n), sc = x + 192 + 8 * n
            let v = y.int8s(4 + 128 * n)
            // Sums of the four 32-value groups, split at 16 where the scale changes.
            var s = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
            for l in 0..<16 {
                s.0 &+= (Int32((ql[l] & 0x0F) | (qh[l] & 3) << 4) &- 32) &* Int32(v[l])
                s.2 &+= (Int32((ql[l + 32] & 0x0F) | ((qh[l] >> 2) & 3) << 4) &- 32) &* Int32(v[l + 32])
                s.4 &+= (Int32((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) &- 32) &* Int32(v[l + 64])
                s.6 &+= (Int32((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) &- 32) &* Int32(v[l + 96])
            }
            for l in 16..<32 {
                s.1 &+= (Int32((ql[l] & 0x0F) | (qh[l] & 3) << 4) &- 32) &* Int32(v[l])
                s.3 &+= (Int32((ql[l + 32] & 0x0F) | ((qh[l] >> 2) & 3) << 4) &- 32) &* Int32(v[l + 32])
                s.5 &+= (Int32((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) &- 32) &* Int32(v[l + 64])
                s.7 &+= (Int32((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) &- 32) &* Int32(v[l + 96])
            }
            isum &+= Int32(sc.i8(0)) &* s.0 &+ Int32(sc.i8(1)) &* s.1 &+ Int32(sc.i8(2)) &* s.2 &+ Int32(sc.i8(3)) &* s.3
            isum &+= Int32(sc.i8(4)) &* s.4 &+ Int32(sc.i8(5)) &* s.5 &+ Int32(sc.i8(6)) &* s.6 &+ Int32(sc.i8(7)) &* s.7
        }
        sum += (x.half(208) * y.f32(0)) * Float(isum)
    }
    return sum
}
