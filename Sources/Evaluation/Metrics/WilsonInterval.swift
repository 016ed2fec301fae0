import Foundation

/// The 95 % Wilson score interval of an accuracy: unlike the normal approximation it stays
/// inside 0…1 and is honest for the small n of a department's own test set (10 or 50
/// cases), which is where an interval matters most.
public struct WilsonInterval: Sendable, Equatable {
    public let low: Double
    public let high: Double

    /// The two-sided 95 % normal quantile.
    public static let z95 = 1.959963984540054

    /// `successes` of `trials` (at least one trial).
    public init(successes: Int, trials: Int, z: Double = WilsonInterval.z95) {
        precondition(trials > 0 && (0...trials).contains(successes), "successes within 0…trials, trials > 0")
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        low = max(0, centre - half)
        high = min(1, centre + half)
    }
}
