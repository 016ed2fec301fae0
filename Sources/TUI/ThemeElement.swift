/// Every part of the screen that a theme colours.
///
/// The raw values are the names written in theme files, in kebab-case (the same
/// spelling as the theme names, `high-contrast`), so a file reads like the UI it
/// describes. The order of `allCases` is the order of the colour pairs ncurses gets.
public enum ThemeElement: String, CaseIterable, Sendable {
    /// Ordinary text and the background of every pane.
    case text
    /// The border of a pane that does not have the focus.
    case paneBorder = "pane-border"
    /// The border of the pane with the focus.
    case paneBorderFocused = "pane-border-focused"
    /// A pane's title in its top border.
    case paneTitle = "pane-title"
    /// The status line at the bottom.
    case statusBar = "status-bar"
    /// The status line while the model is working.
    case statusBarBusy = "status-bar-busy"
    /// The status line showing an error.
    case statusBarError = "status-bar-error"
    /// The prompt before the message input.
    case inputPrompt = "input-prompt"
    /// The text typed in the message input.
    case inputText = "input-text"
    /// The "You" line above a message.
    case userLabel = "user-label"
    /// The model's name above a reply.
    case modelLabel = "model-label"
    /// A system note in the transcript (model switched, image loaded…).
    case note
    /// The speed line under a reply.
    case timing
    /// The marker of an incomplete reply, and other warnings.
    case warning
    /// Markdown headings in replies.
    case heading
    /// Inline `code`.
    case code
    /// Fenced code blocks.
    case codeBlock = "code-block"
    /// List bullets and numbers.
    case listMarker = "list-marker"
    /// The "research draft, not for clinical use" line.
    case disclaimer
    /// The highlighted row of the study browser and the command palette.
    case selection
    /// The help overlay and command palette box.
    case overlay
    /// Key names in the help overlay and palette.
    case overlayKey = "overlay-key"
    /// Field names in the case pane ("Age", "History"…).
    case caseLabel = "case-label"
    /// Section headings of the draft report.
    case reportHeading = "report-heading"

    /// How the element stands out when there is no colour at all (`NO_COLOR`, a
    /// monochrome terminal): the same for every theme, and the way the workstation
    /// looked before it had themes.
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .text, .inputText, .paneBorder, .overlay: []
        case .paneBorderFocused, .paneTitle, .inputPrompt, .userLabel, .modelLabel, .warning,
             .heading, .overlayKey, .caseLabel: .bold
        case .reportHeading: [.bold, .underline]
        case .statusBar, .code, .codeBlock, .statusBarBusy: .reverse
        case .statusBarError, .selection: [.reverse, .bold]
        case .note: [.italic, .dim]
        case .timing, .listMarker: .dim
        case .disclaimer: .italic
        }
    }
}
