import Foundation

/// Lets the caller stop a reply between any two tokens. The engine checks it before each
/// token, so a cancel is acknowledged within one token's time.
public final class GenerationHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var done = false
    private let finishedSignal = DispatchSemaphore(value: 0)

    public init() {}

    public func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// Blocks until the reply has finished (after its last event was delivered).
    public func wait() {
        finishedSignal.wait()
        finishedSignal.signal()
    }

    func markFinished() {
        lock.lock(); done = true; lock.unlock()
        finishedSignal.signal()
    }

    public var isFinished: Bool {
        lock.lock(); defer { lock.unlock() }
        return done
    }
}
