import Foundation
import Workstation

/// A model being loaded in the background for `:model FILE`: the UI thread polls
/// `result` each loop turn while the status bar says "loading model…".
final class ModelLoad: BackgroundResult<InferenceBackend>, @unchecked Sendable {
    let path: String
    let started = Date()

    init(path: String) {
        self.path = path
    }
}
