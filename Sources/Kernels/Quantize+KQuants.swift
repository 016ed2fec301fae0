/// Q4_K and Q6_K weights, as ggml's `quantize_row_q4_K_ref` and `quantize_row_q6_K_ref`
/// with their helpers `make_qkx2_quants` and `make_qx_quants` (ENGINE.md §2.2 K4, K6 for
/// the layouts). Every sum runs in the reference's order and every product is written as the
/// C expression groups it (`w*l*l` is `(w·l)·l`), never fused, so the chosen scales and
/// codes are the reference's bit for bit.

/// ggml's `nearest_int`: round half to even through the 1.5·2²³ trick (|x| < 2²²).
@inline(__always)
func nearestInt(_ x: Float) -> Int32 {
    let v = x + 12_582_912
    return Int32(bitPattern: v.bitPattern & 0x007F_FFFF) - 0x0040_0000
}

func quantizeQ4_K(_ src: UnsafePointer<Float>, blocks: Int, into dst: UnsafeMutableRawPointer) {
    var codes = [UInt8](repeating: 0, count: 256)
    var aux = [UInt8](repeating: 0, count: 32)
    var weights = [Float](repeating: 0, count: 32)
    var mins = [Float](repeating: 0, count: 8)
    var scales = [Float](repeating: 0, count: 8)
    for b in 0..<blocks {
        let x = src + b * 256, o = dst + b * 144
        var maxScale: Float = 0, maxMin: Float = 0
        for j in 0..<8 {
            let xj = x + 32 * j
            var sumX2: Float = 0
            for l in 0..<32 { sumX2 += xj[l] * xj[l] }
            let avX = (sumX2 / 32).squareRoot()
            for l in 0..<32 { weights[l] = avX + abs(xj[l]) }
            codes.withUnsafeMutableBufferPointer { c in
                scales[j] = makeQKX2Quants(32, nmax: 15, xj, weights, c.baseAddress! + 32 * j, min: &mins[j], aux: &aux,
                                           rmin: -1, rdelta: 0.1, nstep: 20)
            }
            if scales[j] > maxScale { maxScale = scales[j] }
            if mins[j] > maxMin { maxMin = mins[j] }
        }
        let invScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let invMin: Float = maxMin > 0 ? 63 / maxMin : 0
        var packed = [UInt8](repeating: 0, count: 12)
        for j in 0..<8 {
            let ls = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invScale * scales[j])))
            let lm = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invMin * mins[j])))
            if j < 4 {
                packed[j] = ls
                packed[j + 4] = lm
            } else {
                packed[j + 4] = (ls & 0x0F) | ((lm & 0x0F) << 4)
                packed[j - 4] |= (ls >> 4) << 6
                packed[j] |= (lm >> 4) << 6
            }
        }
        let dHalf = floatToHalf(maxScale / 63), dminHalf = floatToHalf(maxMin / 63)
        o.storeU16(dHalf, at: 0)
        o.storeU16(dminHalf, at: 2)
        for i in 0..<12 { o.storeBytes(of: packed[i], toByteOffset: 4 + i, as: UInt8.self) }
        let dAll = halfToFloat(dHalf), dminAll = halfToFloat(dminHalf)
        packed.withUnsafeBytes { s in
            for j in 0..<8 {
                let (sc, m) = q4KScaleMin(s.baseAddress!, j)
                let d = dAll * Float(sc)
                if d == 0 { continue }
                let dm = dminAll * Float(m)
                for i in 0..<32 {
                    codes[32 * j + i] = UInt8(Swift.max(0, Swift.min(15, nearestInt((x[32 * j + i] + dm) / d))))
                }
            }
        }
        for c in 0..<4 {
            for l in 0..<32 {
                o.storeBytes(of: codes[64 * c + l] | (codes[64 * c + l + 32] << 4), toByteOffset: 16 + 32 * c + l, as: UInt8.self)
            }
        }
    }
}

func quantizeQ6_K(_ src: UnsafePointer<Float>, blocks: Int, into dst: UnsafeMutableRawPointer) {
    var codes = [Int8](repeating: 0, count: 256)
    var scales = [Float](repeating: 0, count: 16)
    for b in 0..<blocks {
        let x = src + b * 256, o = dst + b * 210
        var maxScale: Float = 0, maxAbsScale: Float = 0
        for ib in 0..<16 {
            let scale = codes.withUnsafeMutableBufferPointer { makeQXQuants(16, nmax: 32, x + 16 * ib, $0.baseAddress! + 16 * ib) }
            scales[ib] = scale
            if abs(scale) > maxAbsScale {
                maxAbsScale = abs(scale)
                maxScale = scale
            }
        }
        if maxAbsScale < groupMaxEps {
            o.initializeMemory(as: UInt8.self, repeating: 0, count: 210)
            continue
        }
        let iscale = -128 / maxScale
        let dHalf = floatToHalf(1 / iscale)
        o.storeU16(dHalf, at: 208)
        var sc = [Int8](repeating: 0, count: 16)
        for ib in 0..<16 {
            sc[ib] = Int8(truncatingIfNeeded: Swift.min(127, nearestInt(iscale * scales[ib])))
            o.storeBytes(of: sc[ib], toByteOffset: 192 + ib, as: Int8.self)
        }
        let dAll = halfToFloat(dHalf)
        for j in 0..<16 {
            let d = dAll * Float(sc[j])
            if d == 0 { continue }
            for i in 0..<16 {
                let l = Swift.max(-32, Swift.min(31, nearestInt(x[16 * j + i] / d)))
                codes[16 * j + i] = Int8(l + 32)
            }
        }
        for half in 0..<2 {
            let base = 128 * half, ql = 64 * half, qh = 128 + 32 * half
            for l in 0..<32 {
                let q1 = UInt8(codes[base + l]), q2 = UInt8(codes[base + l + 32])
                let q3 = UInt8(codes[base + l + 64]), q4 = UInt8(codes[base + l + 96])
                o.storeBytes(of: (q1 & 0x0F) | ((q3 & 0x0F) << 4), toByteOffset: ql + l, as: UInt8.self)
                o.storeBytes(of: (q2 & 0x0F) | ((q4 & 0x0F) << 4), toByteOffset: ql + l + 32, as: UInt8.self)
                o.storeBytes(of: (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6), toByteOffset: qh + l, as: UInt8.self)
            }
        }
    }
}
