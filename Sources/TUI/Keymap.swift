/// THE table of key bindings. The help overlay (`HelpOverlay`) and the command palette
/// (`CommandPalette`) are both generated from it, so what the overlay says a key does
/// is what the key does, and every action the palette lists shows its keys.
///
/// Bindings are kept in table order, which is also the order the overlay lists them.
public struct Keymap: Sendable {
    public let bindings: [KeyBinding]
    private let index: [Key: [FocusContext: KeyCommand]]

    public init(_ bindings: [KeyBinding]) {
        self.bindings = bindings
        var index: [Key: [FocusContext: KeyCommand]] = [:]
        for binding in bindings where index[binding.key]?[binding.context] == nil {
            index[binding.key, default: [:]][binding.context] = binding.command
        }
        self.index = index
    }

    /// What `key` does when `focus` has focus: the first binding along the focus's
    /// lookup chain (pane, then navigation, then global); nil when unbound (then a
    /// printable character is typed into the input).
    public func command(for key: Key, focus: FocusContext) -> KeyCommand? {
        guard let contexts = index[key] else { return nil }
        for context in focus.lookupChain {
            if let command = contexts[context] { return command }
        }
        return nil
    }

    /// The keys bound to `command`, in table order (any context).
    public func keys(for command: KeyCommand) -> [Key] {
        bindings.filter { $0.command == command }.map(\.key)
    }

    /// The bindings of one context, in table order.
    public func bindings(in context: FocusContext) -> [KeyBinding] {
        bindings.filter { $0.context == context }
    }

    /// Bindings that repeat a key already bound in the same context (the table is
    /// wrong if this is not empty: only the first one would ever run).
    public var conflicts: [KeyBinding] {
        var seen = Set<[AnyHashable]>()
        return bindings.filter { !seen.insert([$0.key, $0.context]).inserted }
    }

    /// The workstation's keys, as listed in the issue.
    public static let standard = Keymap([
        // Everywhere
        KeyBinding(.tab, .global, .action(.focusNext)),
        KeyBinding(.backTab, .global, .action(.focusPrevious)),
        KeyBinding(.escape, .global, .action(.cancel)),
        KeyBinding(.control("c"), .global, .action(.cancel)),
        KeyBinding(.control("p"), .global, .action(.palette)),
        KeyBinding(.function(1), .global, .action(.help)),
        KeyBinding(.control("n"), .global, .action(.newChat)),
        KeyBinding(.control("r"), .global, .action(.regenerate)),
        KeyBinding(.control("l"), .global, .action(.redraw)),
        KeyBinding(.control("z"), .global, .action(.suspend)),
        KeyBinding(.control("s"), .global, .action(.saveReport)),
        KeyBinding(.pageUp, .global, .action(.scrollUp)),
        KeyBinding(.pageDown, .global, .action(.scrollDown)),
        KeyBinding(.wheelUp, .global, .action(.scrollLineUp)),
        KeyBinding(.wheelDown, .global, .action(.scrollLineDown)),
        // Message input
        KeyBinding(.enter, .input, .action(.send)),
        KeyBinding(.altEnter, .input, .action(.newline)),
        KeyBinding(.control("j"), .input, .action(.newline)),
        KeyBinding(.left, .input, .edit(.moveLeft)),
        KeyBinding(.right, .input, .edit(.moveRight)),
        KeyBinding(.controlLeft, .input, .edit(.wordLeft)),
        KeyBinding(.alt("b"), .input, .edit(.wordLeft)),
        KeyBinding(.controlRight, .input, .edit(.wordRight)),
        KeyBinding(.alt("f"), .input, .edit(.wordRight)),
        KeyBinding(.home, .input, .edit(.lineStart)),
        KeyBinding(.control("a"), .input, .edit(.lineStart)),
        KeyBinding(.end, .input, .edit(.lineEnd)),
        KeyBinding(.control("e"), .input, .edit(.lineEnd)),
        KeyBinding(.up, .input, .edit(.moveUp)),
        KeyBinding(.down, .input, .edit(.moveDown)),
        KeyBinding(.backspace, .input, .edit(.deleteBackward)),
        KeyBinding(.delete, .input, .edit(.deleteForward)),
        KeyBinding(.control("d"), .input, .edit(.deleteForward)),
        KeyBinding(.control("w"), .input, .edit(.killWordBackward)),
        KeyBinding(.control("u"), .input, .edit(.killToLineStart)),
        KeyBinding(.control("k"), .input, .edit(.killToLineEnd)),
        KeyBinding(.control("y"), .input, .edit(.yank)),
        // Outside the input
        KeyBinding(.character("?"), .navigation, .action(.help)),
        KeyBinding(.character(":"), .navigation, .action(.commandLine)),
        KeyBinding(.character("o"), .navigation, .action(.openStudies)),
        KeyBinding(.character("r"), .navigation, .action(.openReport)),
        KeyBinding(.character("t"), .navigation, .action(.cycleTheme)),
        KeyBinding(.character("q"), .navigation, .action(.quit)),
        // Report
        KeyBinding(.control("g"), .report, .action(.draftReport)),
        KeyBinding(.control("z"), .report, .action(.undo)),
        KeyBinding(.control("y"), .report, .action(.redo)),
        KeyBinding(.escape, .report, .action(.openReport)),
        // Transcript
        KeyBinding(.up, .transcript, .action(.scrollLineUp)),
        KeyBinding(.down, .transcript, .action(.scrollLineDown)),
        KeyBinding(.home, .transcript, .action(.scrollToTop)),
        KeyBinding(.end, .transcript, .action(.scrollToBottom)),
        KeyBinding(.character("y"), .transcript, .action(.copyReply)),
        // Image
        KeyBinding(.character("+"), .image, .action(.zoomIn)),
        KeyBinding(.character("="), .image, .action(.zoomIn)),
        KeyBinding(.character("-"), .image, .action(.zoomOut)),
        KeyBinding(.left, .image, .action(.panLeft)),
        KeyBinding(.right, .image, .action(.panRight)),
        KeyBinding(.up, .image, .action(.panUp)),
        KeyBinding(.down, .image, .action(.panDown)),
        KeyBinding(.character("w"), .image, .action(.windowPreset)),
        KeyBinding(.character("["), .image, .action(.windowNarrower)),
        KeyBinding(.character("]"), .image, .action(.windowWider)),
        KeyBinding(.character("{"), .image, .action(.levelDown)),
        KeyBinding(.character("}"), .image, .action(.levelUp)),
        KeyBinding(.character("i"), .image, .action(.invert)),
        KeyBinding(.character("e"), .image, .action(.equalize)),
        KeyBinding(.character("m"), .image, .action(.modelView)),
        KeyBinding(.character("a"), .image, .action(.attachImage)),
        KeyBinding(.character("c"), .image, .action(.comparePrior)),
        KeyBinding(.character("v"), .image, .action(.askSeries)),
        KeyBinding(.character("0"), .image, .action(.resetView)),
        KeyBinding(.character("n"), .image, .action(.nextImage)),
        KeyBinding(.character("p"), .image, .action(.previousImage)),
        KeyBinding(.character("."), .image, .action(.nextSlice)),
        KeyBinding(.character(","), .image, .action(.previousSlice)),
    ])
}
