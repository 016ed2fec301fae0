import Foundation

/// Rotary position embedding with NEOX pairing (element j with j + D/2), ENGINE.md T6:
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

/// The cos/sin of `rope` for a run of positions, computed once per forward pass and shared
/// by every head and every layer with the same base and scale. Bit-identical to `rope`:
/// the same Double angles, rounded to Float the same way.
struct RopeTable {
    let base: Float
    let scale: Float
    let half: Int
    /// `[row][j]` for the rows of `positions` in order, j < dim/2.
    let cos: [Float]
    let sin: [Float]

    init<Positions: Collection<Int>>(dim: Int, positions: Positions, base: Float, scale: Float) {
        self.base = base
        self.scale = scale
        half = dim / 2
        let logBase = log(Double(base))
        let inverseFrequencies = (0..<half).map { j in exp(-2 * Double(j) / Double(dim) * logBase) }
        var c = [Float](repeating: 0, count: positions.count * half)
        var s = c
        for (row, position) in positions.enumerated() {
            let p = Double(position) * Double(scale)
            for j in 0..<half {
                let theta = p * inverseFrequencies[j]
                c[row * half + j] = Float(Foundation.cos(theta))
                s[row * half + j] = Float(Foundation.sin(theta))
            }
        }
        cos = c
        sin = s
    }

    /// Rotates the head vector `v` at the table's row `row`.
    func apply(_ v: UnsafeMutablePointer<Float>, row: Int) {
        cos.withUnsafeBufferPointer { cb in
            sin.withUnsafeBufferPointer { sb in
                let ct = cb.baseAddress! + row * half, st = sb.baseAddress! + row * half
                for j in 0..<half {
                    let cosT = ct[j], sinT = st[j]
                    let u0 = v[j], u1 = v[j + half]
                    v[j] = u0 * cosT - u1 * sinT
                    v[j + half] = u0 * sinT + u1 * cosT
                }
            }
        }
    }
}
