/// The scale searches of the K-quant reference quantizers (ggml-quants.c), transcribed
/// with the same float expression grouping so their choices — which depend on exact
/// comparisons of sums — come out identical.

/// ggml's GROUP_MAX_EPS: a group whose largest magnitude is below it is all zeros.
let groupMaxEps: Float = 1e-15

/// `make_qkx2_quants`: codes 0…nmax with a scale and a (non-positive) min for `n` values,
/// weighted, trying `nstep + 1` scales around `nmax / (max − min)` and keeping the least
/// weighted squared error. Returns the scale; `min` receives `−min` as the reference's
/// `the_min` does. `aux` must hold `n` bytes.
func makeQKX2Quants(_ n: Int, nmax: Int32, _ x: UnsafePointer<Float>, _ weights: [Float], _ codes: UnsafeMutablePointer<UInt8>,
                    min theMin: inout Float, aux: inout [UInt8], rmin: Float, rdelta: Float, nstep: Int) -> Float {
    var min = x[0], max = x[0]
    var sumW = weights[0]
    var sumX = sumW * x[0]
    for i in 1..<n {
        if x[i] < min { min = x[i] }
        if x[i] > max { max = x[i] }
        let w = weights[i]
        sumW += w
        sumX += w * x[i]
    }
    if min > 0 { min = 0 }
    if max == min {
        for i in 0..<n { codes[i] = 0 }
        theMin = -min
        return 0
    }
    let fmax = Float(nmax)
    var iscale = fmax / (max - min)
    var scale = 1 / iscale
    var bestError: Float = 0
    for i in 0..<n {
        let l = nearestInt(iscale * (x[i] - min))
        codes[i] = UInt8(Swift.max(0, Swift.min(nmax, l)))
        let diff = scale * Float(codes[i]) + min - x[i]
        bestError += weights[i] * (diff * diff)
    }
    if nstep < 1 {
        theMin = -min
        return scale
    }
    for step in 0...nstep {
        iscale = (rmin + rdelta * Float(step) + fmax) / (max - min)
        var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
        for i in 0..<n {
            let l = Swift.max(0, Swift.min(nmax, nearestInt(iscale * (x[i] - min))))
            aux[i] = UInt8(l)
            let w = weights[i], fl = Float(l)
            sumL += w * fl
            sumL2 += w * fl * fl
            sumXL += w * fl * x[i]
        }
        let det = sumW * sumL2 - sumL * sumL
        if det > 0 {
            var thisScale = (sumW * sumXL - sumX * sumL) / det
            var thisMin = (sumL2 * sumX - sumL * sumXL) / det
            if thisMin > 0 {
                thisMin = 0
                thisScale = sumXL / sumL2
            }
            var curError: Float = 0
            for i in 0..<n {
                let diff = thisScale * Float(aux[i]) + thisMin - x[i]
                curError += weights[i] * (diff * diff)
            }
            if curError < bestError {
                for i in 0..<n { codes[i] = aux[i] }
                bestError = curError
                scale = thisScale
                min = thisMin
            }
        }
    }
    theMin = -min
    return scale
}

/// `make_qx_quants` with `rmse_type` 1 and no importance weights (what Q6_K uses): signed
/// codes −nmax…nmax−1 stored biased by nmax, the scale refined by least squares weighted by
/// x², trying 18 scales around `−nmax / max`. Returns the scale.
func makeQXQuants(_ n: Int, nmax: Int32, _ x: UnsafePointer<Float>, _ codes: UnsafeMutablePointer<Int8>) -> Float {
    var max: Float = 0, amax: Float = 0
    for i in 0..<n {
        let ax = abs(x[i])
        if ax > amax { amax = ax; max = x[i] }
    }
    if amax < groupMaxEps {
        for i in 0..<n { codes[i] = 0 }
        return 0
    }
    let fmax = Float(nmax)
    var iscale = Float(-nmax) / max
    var sumLX: Float = 0, sumL2: Float = 0
    for i in 0..<n {
        let l = Swift.max(-nmax, Swift.min(nmax - 1, nearestInt(iscale * x[i])))
        codes[i] = Int8(l + nmax)
        let w = x[i] * x[i], fl = Float(l)
        sumLX += w * x[i] * fl
        sumL2 += w * fl * fl
    }
    var scale: Float = sumL2 != 0 ? sumLX / sumL2 : 0
    var best = scale * sumLX
    for step in -9...9 where step != 0 {
        iscale = -(fmax + 0.1 * Float(step)) / max
        sumLX = 0
        sumL2 = 0
        for i in 0..<n {
            let l = Swift.max(-nmax, Swift.min(nmax - 1, nearestInt(iscale * x[i])))
            let w = x[i] * x[i], fl = Float(l)
            sumLX += w * x[i] * fl
            sumL2 += w * fl * fl
        }
        if sumL2 > 0 && sumLX * sumLX > best * sumL2 {
            for i in 0..<n {
                codes[i] = Int8(nmax + Swift.max(-nmax, Swift.min(nmax - 1, nearestInt(iscale * x[i]))))
            }
            scale = sumLX / sumL2
            best = scale * sumLX
        }
    }
    return scale
}
