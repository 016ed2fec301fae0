import Foundation

/// McNemar's exact test for two runs on the same items ("did the adapter help?"): only
/// the discordant items count — `b` right in run A only, `c` right in run B only — and
/// under no difference each is a fair coin, so the two-sided p is the binomial tail
/// `2 · P(X ≤ min(b, c))` for X ~ Bin(b + c, ½), capped at 1.
public enum McNemarTest {
    public static func exactP(b: Int, c: Int) -> Double {
        precondition(b >= 0 && c >= 0, "counts are not negative")
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // Sum the tail in log space: n may be thousands of items.
        let logHalfN = Double(n) * log(0.5)
        var tail = 0.0
        for i in 0...k {
            tail += exp(logChoose(n, i) + logHalfN)
        }
        return min(1, 2 * tail)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}
