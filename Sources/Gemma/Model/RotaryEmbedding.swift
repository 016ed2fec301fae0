import Foundation

/// Rotary position embedding with NEOX pairing (element j with j + D/2), GEMMA3.md T6:
/// `θ_j = p · scale · base^(−2j/D)`. Angles are computed in Double: positions reach 131 072.
func rope(_ v: UnsafeMutablePointer<Float>, dim: Int, position: Int, base: Float, scale: Float) {
    let half = dim / 2
    let p = Double(position) * Double(scale)
    let logBase = log(Double(base))
    for j in 0..<half {
        let theta = p * exp(-2 * Double(j) / Double(dim) * logBase)
        let cosT = Float(cos(theta)), sinT = Float(sin(theta))
        let u0 = v[j], u1 = v[j + half]
        v[j] = u0 * cosT - u1 * sinT
        v[j + half] = u0 * sinT + u1 * cosT
    }
}
