/// What the background encoder is doing, for the status bar: a snapshot that can be shown
/// as is (`statusLine`) or drawn as a progress bar (`fraction`).
public enum BackgroundEncodingState: Sendable, Equatable {
    /// Nothing to do (everything asked for is encoded, or nothing was asked).
    case idle
    /// Encoding image `index` (1-based) of `total`; `fraction` of the whole batch is done.
    case encoding(index: Int, total: Int, label: String, fraction: Double)
    /// Waiting, before image `index` of `total`, while a reply the user asked for runs (or
    /// the chat's case context is prefilled).
    case paused(index: Int, total: Int, label: String)
    /// The batch ended and some images could not be encoded (they will be encoded, or fail
    /// again with the same message, when a question needs them).
    case failed(message: String)

    /// Done part of the batch, 0…1, while there is one.
    public var fraction: Double? {
        switch self {
        case .encoding(_, _, _, let fraction): return fraction
        case .paused(let index, let total, _): return total > 0 ? Double(index - 1) / Double(total) : 0
        case .idle, .failed: return nil
        }
    }

    /// One line for the status bar, nil when idle.
    public var statusLine: String? {
        switch self {
        case .idle:
            return nil
        case .encoding(let index, let total, let label, let fraction):
            return "encoding images \(index)/\(total): \(label) (\(Int((fraction * 100).rounded(.down)))%)"
        case .paused(let index, let total, let label):
            return "image encoding paused at \(index)/\(total) (\(label)) while the chat uses the model"
        case .failed(let message):
            return "image encoding failed: \(message)"
        }
    }
}
