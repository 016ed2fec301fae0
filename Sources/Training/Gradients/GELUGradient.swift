/// GELU with the tanh approximation (HF `gelu_pytorch_tanh`) and its derivative, written
/// with the logistic function (`½(1 + tanh z) = σ(2z)`) so a loop over them needs one
/// exponential per value and vectorises:
///
///     gelu(u) = ½ u (1 + tanh z) = u σ(2z),   z = √(2/π) (u + 0.044715 u³)
///     gelu'(u) = σ(2z) + 2 u σ(2z) (1 − σ(2z)) √(2/π) (1 + 3 · 0.044715 u²)
enum GELUGradient {
    static let c: Double = 0.797_884_560_802_865_4

    @inline(__always)
    static func value<T: TrainingScalar>(_ u: T) -> T {
        u * T.logistic(2 * T(c) * (u + T(0.044715) * u * u * u))
    }

    @inline(__always)
    static func derivative<T: TrainingScalar>(_ u: T) -> T {
        valueAndDerivative(u).derivative
    }

    /// Both at once (the backward pass needs both; one exponential).
    @inline(__always)
    static func valueAndDerivative<T: TrainingScalar>(_ u: T) -> (value: T, derivative: T) {
        let s = T.logistic(2 * T(c) * (u + T(0.044715) * u * u * u))
        return (u * s, s + 2 * u * s * (1 - s) * T(c) * (1 + 3 * T(0.044715) * u * u))
    }
}
