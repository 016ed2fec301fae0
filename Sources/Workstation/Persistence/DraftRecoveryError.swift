/// Why a recovery file could not be written or read; one line for the status bar.
public enum DraftRecoveryError: Error, CustomStringConvertible, Equatable {
    /// The autosave could not be written (the draft in the editor is unaffected).
    case cannotWrite(String)
    /// The recovery file was damaged; it was moved aside to `movedTo` (nil when even that
    /// failed) and is treated as no recovery.
    case corrupt(path: String, problem: String, movedTo: String?)

    public var description: String {
        switch self {
        case .cannotWrite(let why): return "cannot autosave the draft: \(why)"
        case .corrupt(let path, let problem, let movedTo):
            return "\(path): damaged draft recovery file (\(problem)); " + (movedTo.map { "kept as \($0)" } ?? "left in place")
        }
    }
}
