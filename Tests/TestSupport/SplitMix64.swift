import Foundation

/// A small deterministic generator (SplitMix64) so test inputs — random matrices, fuzz
/// mutations — are the same on every platform and every run.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller).
    public mutating func nextGaussian() -> Float {
        let u = max(nextUniform(), 1e-300), v = nextUniform()
        return Float((-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v))
    }
}
