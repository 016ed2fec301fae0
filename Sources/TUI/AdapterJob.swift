import Foundation

/// `:lora FILE` at work off the UI thread: reading the adapter, checking it against the
/// model and applying it once the reply in progress is done. The loop reads the outcome.
final class AdapterJob: @unchecked Sendable {
    /// What the status bar calls it ("rank8.gguf ×0.5", or "off").
    let label: String
    private let lock = NSLock()
    private var outcome: Result<Void, Error>?

    init(label: String) {
        self.label = label
    }

    var result: Result<Void, Error>? { lock.withLock { outcome } }

    func finish(_ result: Result<Void, Error>) {
        lock.withLock { outcome = result }
    }
}
