/// How often a pull tries again, and how long it waits: a dropped connection, a 5xx or a
/// 429 (after its `Retry-After`, capped) are retried; the tests shorten the waits.
public struct RetryPolicy: Sendable, Equatable {
    /// Failures in a row (without a byte of progress between them) before giving up.
    public var attempts: Int
    /// The first pause; each failure in a row doubles it.
    public var baseDelay: Double
    /// The longest a `Retry-After` is honoured before giving up instead.
    public var longestWait: Double

    public init(attempts: Int = 5, baseDelay: Double = 1, longestWait: Double = 60) {
        self.attempts = attempts
        self.baseDelay = baseDelay
        self.longestWait = longestWait
    }

    func delay(afterFailures failures: Int) -> Double {
        baseDelay * Double(1 << min(failures - 1, 6))
    }
}
