/// What the status bar says besides the model's progress: the last action's one line,
/// and the background encoder's progress as last shown. The message lasts until the
/// next key; the background line is kept to notice when it changes (a frame then).
struct StatusBarState {
    /// One line about the last action or event; nil: none.
    var message: String?
    /// Background encoding's status line as last drawn.
    var backgroundLine: String?

    /// Adds `note` after what the line already says (opening a study may have two things
    /// to say — a damaged saved conversation and a damaged autosave — and both count).
    mutating func add(_ note: String) {
        message = message.map { $0 + " · " + note } ?? note
    }

    /// Records the background encoder's line; whether it changed since the last look.
    mutating func noteBackground(_ line: String?) -> Bool {
        guard line != backgroundLine else { return false }
        backgroundLine = line
        return true
    }
}
