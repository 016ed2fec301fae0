/// Which pane has the keyboard. Tab and Shift-Tab walk this order; the focused pane's
/// `context` decides which keymap bindings apply (`Keymap.command(for:focus:)`).
public enum PaneFocus: CaseIterable, Sendable {
    case input
    case transcript
    case image
    case casePane
    /// The draft report editor (in place of the transcript and input while open).
    case report

    /// The keymap context looked up first while this pane has focus. The case pane has
    /// no bindings of its own, so it uses the navigation keys.
    public var context: FocusContext {
        switch self {
        case .input: return .input
        case .transcript: return .transcript
        case .image: return .image
        case .casePane: return .navigation
        case .report: return .report
        }
    }

    /// Shown in the status bar.
    public var name: String {
        switch self {
        case .input: return "input"
        case .transcript: return "transcript"
        case .image: return "image"
        case .casePane: return "case"
        case .report: return "report"
        }
    }

    /// Tab order with the report closed: input, transcript, image, case.
    public var next: PaneFocus { cycled(by: 1, reportOpen: false) }
    public var previous: PaneFocus { cycled(by: -1, reportOpen: false) }

    /// The panes on screen, in Tab order: the report takes the transcript's and input's place.
    public static func order(reportOpen: Bool) -> [PaneFocus] {
        reportOpen ? [.report, .image, .casePane] : [.input, .transcript, .image, .casePane]
    }

    /// The pane `step` places along the Tab order (a pane not on screen goes to the first).
    public func cycled(by step: Int, reportOpen: Bool) -> PaneFocus {
        let order = Self.order(reportOpen: reportOpen)
        guard let index = order.firstIndex(of: self) else { return order[0] }
        return order[((index + step) % order.count + order.count) % order.count]
    }
}
