/// The bottom row's text: what is loaded and what is happening now, like btop's header.
/// "gemma-3-270m · in-process · generating 61.3 tok/s · context 310/4096 · focus image",
/// with a transient message (an error, "Press Ctrl-C again to quit") on the right.
public struct StatusLine: Equatable, Sendable {
    public var backendName: String
    public var isGenerating: Bool
    public var tokensPerSecond: Double
    public var contextUsed: Int
    public var contextSize: Int?
    public var focus: PaneFocus
    public var message: String?
    /// What the running reply does before its first token ("encoding image…", "prefill 812
    /// tokens"), or other foreground work ("loading model…").
    public var activity: String?
    /// Work in the background ("encoding images 2/7 · 40%").
    public var background: String?
    /// Resident memory of the process, in bytes.
    public var memoryBytes: Int?

    public init(backendName: String, isGenerating: Bool = false, tokensPerSecond: Double = 0,
                contextUsed: Int = 0, contextSize: Int? = nil, focus: PaneFocus = .input, message: String? = nil,
                activity: String? = nil, background: String? = nil, memoryBytes: Int? = nil) {
        self.activity = activity
        self.background = background
        self.memoryBytes = memoryBytes
        self.backendName = backendName
        self.isGenerating = isGenerating
        self.tokensPerSecond = tokensPerSecond
        self.contextUsed = contextUsed
        self.contextSize = contextSize
        self.focus = focus
        self.message = message
    }

    /// The activity when there is one, else "idle", "generating…" before the second token,
    /// then "generating 61.3 tok/s".
    public var state: String {
        if let activity { return activity }
        guard isGenerating else { return "idle" }
        guard tokensPerSecond > 0, tokensPerSecond.isFinite else { return "generating…" }
        let tenths = Int((tokensPerSecond * 10).rounded())
        return "generating \(tenths / 10).\(tenths % 10) tok/s"
    }

    /// The left part: backend, state, context, focus and the help hint.
    public var left: String {
        var parts = [backendName, state]
        if let background { parts.append(background) }
        if let contextSize { parts.append("context \(contextUsed)/\(contextSize)") }
        if let memoryBytes { parts.append("mem \(memoryBytes / 1_048_576) MB") }
        parts.append("focus \(focus.name)")
        parts.append("? help")
        return parts.joined(separator: " · ")
    }

    /// The whole row for `width` columns: the message (cleaned to one line) takes the
    /// right end. The backend and what is happening now stay readable beside it when the
    /// row has room for both (the message is shortened with "…"); on a very narrow row the
    /// message wins.
    public func text(width: Int) -> String {
        guard width > 0 else { return "" }
        let message = self.message.map { TerminalSanitizer.singleLine.sanitize($0) } ?? ""
        let left = " " + self.left
        guard !message.isEmpty else { return DisplayWidth.prefix(left, fittingIn: width) }
        let head = DisplayWidth.of(" " + backendName + " · " + state) + 2
        var room = max(0, width - 1)
        if width >= head + 24 { room = width - head - 1 }
        var shown = message
        if DisplayWidth.of(shown) > room { shown = DisplayWidth.prefix(shown, fittingIn: max(0, room - 1)) + "…" }
        let right = shown + " "
        let rest = width - DisplayWidth.of(right)
        let shownLeft = rest > 1 ? DisplayWidth.prefix(left, fittingIn: rest - 1) : ""
        let gap = max(0, width - DisplayWidth.of(shownLeft) - DisplayWidth.of(right))
        return shownLeft + String(repeating: " ", count: gap) + right
    }
}
