import Foundation

/// A model being downloaded from the `:model` picker: the UI thread polls its progress line
/// and outcome each loop turn (the status bar shows the line), and Esc asks it to stop —
/// the partial file stays, so picking the model again continues it.
public final class ModelPullJob: @unchecked Sendable {
    /// The short name being pulled (`medgemma-4b-it`).
    public let name: String
    private let lock = NSLock()
    private var line: String?
    private var stop = false
    private var outcome: Result<String, Error>?

    public init(name: String) {
        self.name = name
    }

    /// The latest progress line ("medgemma-4b-it-Q4_K_M.gguf  1.20 GB / 2.49 GB  48% …").
    public var progress: String? { lock.withLock { line } }
    public func report(_ text: String) { lock.withLock { line = text } }

    /// Whether Esc asked the download to stop (the puller checks it between pieces).
    public var isCancelled: Bool { lock.withLock { stop } }
    public func cancel() { lock.withLock { stop = true } }

    /// The model file once pulled, or why not; nil while it runs.
    public var result: Result<String, Error>? { lock.withLock { outcome } }
    public func finish(_ result: Result<String, Error>) { lock.withLock { outcome = result } }
}
