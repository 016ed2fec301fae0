import Foundation

/// Lets the caller stop a reply between any two tokens. The engine checks it before each
/// token, so a cancel is acknowledged within one token's time.
public final class GenerationHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var done = false
    private var cancelHandlers: [@Sendable () -> Void] = []
    private let finishedSignal = DispatchSemaphore(value: 0)

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        let handlers = cancelHandlers
        cancelHandlers = []
        lock.unlock()
        for handler in handlers { handler() }
    }

    /// Runs `body` when the reply is cancelled (at once if it already was): a remote
    /// backend closes its connection here instead of waiting for the next token.
    public func onCancel(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        if cancelled {
            lock.unlock()
            body()
            return
        }
        cancelHandlers.append(body)
        lock.unlock()
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

    /// Called by whoever produces the reply, after its last event.
    public func markFinished() {
        lock.lock(); done = true; lock.unlock()
        finishedSignal.signal()
    }

    public var isFinished: Bool {
        lock.lock(); defer { lock.unlock() }
        return done
    }
}
