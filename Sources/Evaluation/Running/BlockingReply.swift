import Foundation
import Gemma
import Workstation

/// One backend reply, waited for: the generated text, or the backend's failure. `current`
/// holds the running request so that Ctrl-C can cancel it.
enum BlockingReply {
    static func text(from backend: InferenceBackend, _ messages: [BackendMessage], settings: GenerationSettings,
                     current: CurrentRequest) throws -> (text: String, cancelled: Bool) {
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var text = ""
            var failure: String?
            var cancelled = false
        }
        let box = Box()
        let handle = backend.reply(to: messages, settings: settings) { event in
            box.lock.withLock {
                switch event {
                case .token(let t): box.text += t.text
                case .failed(let message): box.failure = message
                case .finished(let stats): box.cancelled = stats.stopReason == .cancelled
                case .progress: break
                }
            }
        }
        current.set(handle)
        handle.wait()
        current.set(nil)
        return try box.lock.withLock {
            if let failure = box.failure { throw EvaluationFailure(description: failure) }
            return (box.text, box.cancelled || handle.isCancelled)
        }
    }
}

/// The request an evaluation is waiting for, so another thread (a Ctrl-C handler) can
/// cancel it.
public final class CurrentRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var handle: GenerationHandle?
    private var stopped = false

    public init() {}

    func set(_ h: GenerationHandle?) {
        lock.withLock {
            handle = h
            if stopped { h?.cancel() }
        }
    }

    /// Cancels what is running and anything started after.
    public func stop() {
        lock.withLock {
            stopped = true
            handle?.cancel()
        }
    }

    public var isStopped: Bool { lock.withLock { stopped } }
}
