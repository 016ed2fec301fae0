/// RMS normalisation: `out[k] = w[k] · u[k] / sqrt(mean(u²) + ε)` (ENGINE.md T2).
/// The sum of squares is accumulated in Double, as ggml does, because Gemma's residual
/// stream grows large enough for a Float sum to lose digits.
public func rmsNorm(_ u: UnsafePointer<Float>, weight: UnsafePointer<Float>, count n: Int, eps: Float,
                    into out: UnsafeMutablePointer<Float>) {
    var sum: Double = 0
    for k in 0..<n { sum += Double(u[k]) * Double(u[k]) }
    let scale = Float(1 / (sum / Double(n) + Double(eps)).squareRoot())
    for k in 0..<n { out[k] = weight[k] * (u[k] * scale) }
}

/// In-place RMS normalisation.
public func rmsNorm(_ u: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, count n: Int, eps: Float) {
    rmsNorm(UnsafePointer(u), weight: weight, count: n, eps: eps, into: u)
}
