/// How often and how long a request is retried when it failed before its first token in a
/// way that may pass (connection refused, 429, 502/503/504; see `RemoteError.isRetryable`).
/// Nothing was generated yet, so trying again cannot duplicate text. Delays double from
/// `initialDelay`; a server's `Retry-After` is honoured when it fits the budget.
public struct RetryPolicy: Sendable, Equatable {
    /// Tries in all, the first included.
    public var attempts: Int
    public var initialDelay: Double
    public var maxDelay: Double
    /// No retry starts later than this many seconds after the first try.
    public var budget: Double

    public init(attempts: Int = 4, initialDelay: Double = 0.5, maxDelay: Double = 4, budget: Double = 15) {
        self.attempts = attempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.budget = budget
    }

    public static let standard = RetryPolicy()
    public static let none = RetryPolicy(attempts: 1)

    /// Seconds to wait before try number `attempt + 1` (after `attempt` failed tries),
    /// or nil when no try is left or the wait would end past the budget.
    public func delay(afterAttempt attempt: Int, elapsed: Double, retryAfter: Double? = nil) -> Double? {
        guard attempt < attempts else { return nil }
        var wait = min(maxDelay, initialDelay * Double(1 << min(attempt - 1, 20)))
        if let retryAfter, retryAfter >= 0 { wait = max(wait, retryAfter) }
        return elapsed + wait <= budget ? wait : nil
    }
}
