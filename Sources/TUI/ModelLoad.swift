import Foundation
import Workstation

/// A model being loaded in the background for `:model FILE`: the UI thread polls
/// `result` each loop turn while the status bar says "loading model…".
final class ModelLoad: @unchecked Sendable {
    let path: String
    let started = Date()
    private let lock = NSLock()
    private var outcome: Result<InferenceBackend, Error>?

    init(path: String) {
        self.path = path
    }

    var result: Result<InferenceBackend, Error>? { lock.withLock { outcome } }

    func finish(_ result: Result<InferenceBackend, Error>) {
        lock.withLock { outcome = result }
    }
}
