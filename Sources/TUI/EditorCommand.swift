/// An editing operation on the input line, bound to keys in `Keymap`'s input context
/// and carried out by `LineEditor.apply(_:)`.
///
/// Kept apart from `Action` because these are not things anyone looks for by name in
/// the palette; they still appear in the help overlay, from the same table.
public enum EditorCommand: String, CaseIterable, Sendable {
    case moveLeft = "move-left"
    case moveRight = "move-right"
    case wordLeft = "word-left"
    case wordRight = "word-right"
    case lineStart = "line-start"
    case lineEnd = "line-end"
    /// Up a line; on the first line, the previous sent message (history).
    case moveUp = "move-up"
    /// Down a line; on the last line, the next history entry or back to the draft.
    case moveDown = "move-down"
    case deleteBackward = "delete-backward"
    case deleteForward = "delete-forward"
    case killWordBackward = "kill-word-backward"
    case killToLineStart = "kill-to-line-start"
    case killToLineEnd = "kill-to-line-end"
    case yank

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .moveLeft: return "Cursor left"
        case .moveRight: return "Cursor right"
        case .wordLeft: return "Previous word"
        case .wordRight: return "Next word"
        case .lineStart: return "Start of line"
        case .lineEnd: return "End of line"
        case .moveUp: return "Line up; on the first line, older sent messages"
        case .moveDown: return "Line down; on the last line, newer messages / draft"
        case .deleteBackward: return "Delete the character before the cursor"
        case .deleteForward: return "Delete the character under the cursor"
        case .killWordBackward: return "Cut the word before the cursor"
        case .killToLineStart: return "Cut to the start of the line"
        case .killToLineEnd: return "Cut to the end of the line"
        case .yank: return "Paste the last cut text"
        }
    }
}
