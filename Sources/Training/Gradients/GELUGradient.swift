/// GELU with the tanh approximation (HF `gelu_pytorch_tanh`) and its derivative:
///
///     gelu(u) = ½ u (1 + tanh z),   z = √(2/π) (u + 0.044715 u³)
///     gelu'(u) = ½ (1 + tanh z) + ½ u (1 − tanh² z) √(2/π) (1 + 3 · 0.044715 u²)
enum GELUGradient {
    static let c: Double = 0.797_884_560_802_865_4

    static func value<T: TrainingScalar>(_ u: T) -> T {
        let t = T.tanh(T(c) * (u + T(0.044715) * u * u * u))
        return T(0.5) * u * (1 + t)
    }

    static func derivative<T: TrainingScalar>(_ u: T) -> T {
        let t = T.tanh(T(c) * (u + T(0.044715) * u * u * u))
        return T(0.5) * (1 + t) + T(0.5) * u * (1 - t * t) * T(c) * (1 + 3 * T(0.044715) * u * u)
    }
}
