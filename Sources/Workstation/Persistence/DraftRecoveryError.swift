/// Why a recovery file could not be written or read; one line for the status bar.
public enum DraftRecoveryError: Error, CustomStringConvertible, Equatable {
    /// The autosave could not be written (the draft in the editor is unaffected).
    case cannotWrite(path: String?, reason: String)
    /// The recovery file was damaged; it was moved aside to `movedTo` (nil when even that
    /// failed) and is treated as no recovery.
    case corrupt(path: String, problem: String, movedTo: String?)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot autosave the draft: " + (path.map { "\($0): cannot save: " } ?? "") + reason
        case .corrupt(let path, let problem, let movedTo):
            return "\(path): damaged draft recovery file (\(problem)); " + (movedTo.map { "kept as \($0)" } ?? "left in place")
        }
    }

    /// The same without the folder, for a status bar that has one line beside other notes
    /// (the file's name is a 64-digit key; the full path is in `description`).
    public var shortDescription: String {
        switch self {
        case .cannotWrite(_, let reason): return "cannot autosave the draft: \(reason)"
        case .corrupt(_, let problem, let movedTo):
            return "damaged draft autosave (\(problem)); " + (movedTo == nil ? "left in place" : "set aside as .corrupt")
        }
    }
}
