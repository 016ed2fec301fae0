import Kernels

/// Row-wise helpers of the vision tower over `[rows][width]` buffers, spread over the cores
/// (an image is thousands of rows).

/// `out[r] = LN(x[r]; w, b)` (ENGINE.md V3): `w·(u − μ)/sqrt(σ² + ε) + b`, mean and variance
/// over the row, accumulated in Double as ggml's norm does.
func layerNormRows(_ x: [Float], weight w: [Float], bias b: [Float], rows n: Int, eps: Float) -> [Float] {
    var out = [Float](repeating: 0, count: n * w.count)
    layerNormRows(x, weight: w, bias: b, rows: n, eps: eps, into: &out)
    return out
}

/// `layerNormRows` into an existing buffer of `rows × width` (the tower reuses one per image).
func layerNormRows(_ x: [Float], weight w: [Float], bias b: [Float], rows n: Int, eps: Float, into out: inout [Float]) {
    let d = w.count
    precondition(x.count == n * d && b.count == d && out.count == n * d, "layerNormRows: buffers are not rows × \(d)")
    x.withUnsafeBufferPointer { xb in
        w.withUnsafeBufferPointer { wb in
            b.withUnsafeBufferPointer { bb in
                out.withUnsafeMutableBufferPointer { ob in
                    let xp = xb.baseAddress!, wp = wb.baseAddress!, bp = bb.baseAddress!, op = ob.baseAddress!
                    forEachRowRange(n) { rows in
                        for r in rows {
                            let u = xp + r * d, o = op + r * d
                            var sum: Double = 0
                            for k in 0..<d { sum += Double(u[k]) }
                            let mean = sum / Double(d)
                            var squares: Double = 0
                            for k in 0..<d {
                                let c = Double(u[k]) - mean
                                squares += c * c
                            }
                            let scale = Float(1 / (squares / Double(d) + Double(eps)).squareRoot())
                            let m = Float(mean)
                            for k in 0..<d { o[k] = wp[k] * ((u[k] - m) * scale) + bp[k] }
                        }
                    }
                }
            }
        }
    }
}

/// `x[i] = GELU_tanh(x[i])` for every value of `rows` rows (ENGINE.md T14, SigLIP's
/// `gelu_pytorch_tanh`), spread over the cores.
func geluTanhRows(_ x: inout [Float], rows n: Int) {
    let width = x.count / max(1, n)
    x.withUnsafeMutableBufferPointer { xb in
        let p = xb.baseAddress!
        forEachRowRange(n) { rows in Kernels.geluTanhInPlace(p + rows.lowerBound * width, count: rows.count * width) }
    }
}

/// `x += y`, elementwise (the residual connections), spread over the cores.
func addInPlace(_ x: inout [Float], _ y: [Float]) {
    precondition(x.count == y.count, "addInPlace: sizes differ")
    let count = x.count
    x.withUnsafeMutableBufferPointer { xb in
        y.withUnsafeBufferPointer { yb in
            let xp = xb.baseAddress!, yp = yb.baseAddress!
            forEachRowRange(count / 1024 + 1) { blocks in
                for i in (blocks.lowerBound * 1024)..<min(count, blocks.upperBound * 1024) { xp[i] += yp[i] }
            }
        }
    }
}
