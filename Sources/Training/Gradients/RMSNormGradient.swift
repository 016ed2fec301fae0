/// RMS normalisation and its gradient, one vector of `n` values:
///
///     y = w ⊙ x · r,   r = 1 / sqrt(mean(x²) + ε)
///     ∂L/∂x = r · (w ⊙ g) − x · r³ / n · Σ (w ⊙ g ⊙ x)        (g = ∂L/∂y)
///
/// `w` is the final multiplier (the GGUF stores Gemma's 1 + γ); the norm weights are frozen,
/// so no gradient is taken for them.
enum RMSNormGradient {
    static func inverseRMS<T: TrainingScalar>(_ x: UnsafePointer<T>, count n: Int, eps: T) -> T {
        var sum: T = 0
        for k in 0..<n { sum += x[k] * x[k] }
        return 1 / (sum / T(n) + eps).squareRoot()
    }

    static func forward<T: TrainingScalar>(_ x: UnsafePointer<T>, weight w: UnsafePointer<T>, count n: Int, eps: T,
                                           into y: UnsafeMutablePointer<T>) {
        let r = inverseRMS(x, count: n, eps: eps)
        for k in 0..<n { y[k] = w[k] * (x[k] * r) }
    }

    /// Adds ∂L/∂x to `dx` (`accumulate`) or writes it.
    static func backward<T: TrainingScalar>(_ x: UnsafePointer<T>, weight w: UnsafePointer<T>, count n: Int, eps: T,
                                            gradient g: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, accumulate: Bool) {
        let r = inverseRMS(x, count: n, eps: eps)
        var dot: T = 0
        for k in 0..<n { dot += w[k] * g[k] * x[k] }
        let c = r * r * r / T(n) * dot
        for k in 0..<n {
            let v = r * w[k] * g[k] - x[k] * c
            dx[k] = accumulate ? dx[k] + v : v
        }
    }
}
