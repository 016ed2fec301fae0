/// Q5_0 weights, as ggml's `quantize_row_q5_0_ref` (Q8_0 is `quantizeQ8_0` of
/// ActivationQuantization.swift, the same reference).

/// Q5_0: per 32 values, `d = max / −16` where `max` is the value of largest magnitude (the
/// first on ties), q = min(31, int8(x·(1/d) + 16.5)) — a truncating cast — split into low
/// nibbles (value j low, j+16 high) and the fifth bits in the u32 `qh`.
func quantizeQ5_0(_ src: UnsafePointer<Float>, blocks: Int, into dst: UnsafeMutableRawPointer) {
    for b in 0..<blocks {
        let x = src + b * 32, o = dst + b * 22
        var amax: Float = 0, max: Float = 0
        for j in 0..<32 where amax < abs(x[j]) {
            amax = abs(x[j])
            max = x[j]
        }
        let d = max / -16
        let id: Float = d != 0 ? 1 / d : 0
        o.storeU16(floatToHalf(d), at: 0)
        var qh: UInt32 = 0
        for j in 0..<16 {
            let x0 = x[j] * id, x1 = x[16 + j] * id
            let q0 = UInt8(Swift.min(31, truncatingInt8(x0 + 16.5)))
            let q1 = UInt8(Swift.min(31, truncatingInt8(x1 + 16.5)))
            o.storeBytes(of: (q0 & 0x0F) | ((q1 & 0x0F) << 4), toByteOffset: 6 + j, as: UInt8.self)
            qh |= UInt32((q0 & 0x10) >> 4) << UInt32(j)
            qh |= UInt32((q1 & 0x10) >> 4) << UInt32(j + 16)
        }
        o.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
    }
}

/// C's `(int8_t)f` for the values a quantizer produces (in range for finite input); NaN,
/// which finite weights never give, becomes 0 instead of trapping.
@inline(__always)
func truncatingInt8(_ f: Float) -> Int8 {
    f.isNaN ? 0 : Int8(Swift.max(-128, Swift.min(127, f.rounded(.towardZero))))
}
