/// Where a key binding applies.
///
/// A key is looked up in the focused pane's context, then (outside the input, where
/// letters are not being typed) in `.navigation`, then in `.global`. Single-letter
/// keys such as `o` or `+` therefore live in `.navigation`/`.image` and never steal a
/// letter from the message being typed.
public enum FocusContext: String, CaseIterable, Sendable {
    /// Everywhere, whatever has focus.
    case global
    /// The message input.
    case input
    /// Any pane except the input (transcript, image…).
    case navigation
    /// The transcript pane.
    case transcript
    /// The image pane.
    case image
    /// The draft report editor.
    case report

    /// Heading in the help overlay.
    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .input: return "Message input"
        case .navigation: return "Outside the input"
        case .transcript: return "Transcript"
        case .image: return "Image"
        case .report: return "Report"
        }
    }

    /// Contexts searched, in order, when this pane has focus.
    public var lookupChain: [FocusContext] {
        switch self {
        case .global: return [.global]
        case .navigation: return [.navigation, .global]
        case .input, .report: return [self, .global]
        case .transcript, .image: return [self, .navigation, .global]
        }
    }
}
