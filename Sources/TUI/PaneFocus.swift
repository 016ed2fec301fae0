/// Which pane has the keyboard. Tab and Shift-Tab walk this order; the focused pane's
/// `context` decides which keymap bindings apply (`Keymap.command(for:focus:)`).
public enum PaneFocus: CaseIterable, Sendable {
    case input
    case transcript
    case image
    case casePane

    /// The keymap context looked up first while this pane has focus. The case pane has
    /// no bindings of its own, so it uses the navigation keys.
    public var context: FocusContext {
        switch self {
        case .input: return .input
        case .transcript: return .transcript
        case .image: return .image
        case .casePane: return .navigation
        }
    }

    /// Shown in the status bar.
    public var name: String {
        switch self {
        case .input: return "input"
        case .transcript: return "transcript"
        case .image: return "image"
        case .casePane: return "case"
        }
    }

    public var next: PaneFocus { Self.allCases[(index + 1) % Self.allCases.count] }
    public var previous: PaneFocus { Self.allCases[(index + Self.allCases.count - 1) % Self.allCases.count] }

    private var index: Int { Self.allCases.firstIndex(of: self)! }
}
