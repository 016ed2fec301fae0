/// What a key does: a workstation action, or an edit of the input line.
public enum KeyCommand: Hashable, Sendable {
    case action(Action)
    case edit(EditorCommand)

    /// The line shown next to the key in the help overlay.
    public var summary: String {
        switch self {
        case .action(let action): return action.summary
        case .edit(let command): return command.summary
        }
    }
}
