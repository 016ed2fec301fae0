import Foundation

/// The outcome of work done off the UI thread, which the loop polls each turn: nil while
/// it runs, then the value or why not. What the background jobs (`ModelLoad`,
/// `AdapterJob`) have in common.
class BackgroundResult<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: Result<Value, Error>?

    var result: Result<Value, Error>? { lock.withLock { outcome } }

    func finish(_ result: Result<Value, Error>) {
        lock.withLock { outcome = result }
    }
}
