import Foundation

/// Rotary position embedding (NEOX pairing: element j with j + D/2) as a table of the
/// angles' cos/sin per position, applied forward (rotate by θ) or backward: a rotation is
/// orthogonal, so its gradient is the rotation by −θ. Angles in Double, as the engine's.
struct RotaryTable<T: TrainingScalar> {
    let half: Int
    let cos: [T]
    let sin: [T]

    init(dim: Int, positions: Int, base: Float, scale: Float) {
        half = dim / 2
        let logBase = Foundation.log(Double(base))
        var c = [T](repeating: 0, count: positions * half), s = c
        for p in 0..<positions {
            for j in 0..<half {
                let theta = Double(p) * Double(scale) * Foundation.exp(-2 * Double(j) / Double(dim) * logBase)
                // Through Float, as the engine rounds them, whatever T is.
                c[p * half + j] = T(Float(Foundation.cos(theta)))
                s[p * half + j] = T(Float(Foundation.sin(theta)))
            }
        }
        cos = c
        sin = s
    }

    /// Rotates `v` (one head) by position `p`'s angles; `inverse` rotates back (the gradient).
    func apply(_ v: UnsafeMutablePointer<T>, position p: Int, inverse: Bool = false) {
        let sign: T = inverse ? -1 : 1
        for j in 0..<half {
            let ct = cos[p * half + j], st = sign * sin[p * half + j]
            let u0 = v[j], u1 = v[j + half]
            v[j] = u0 * ct - u1 * st
            v[j + half] = u0 * st + u1 * ct
        }
    }
}
