/// The message input: the shared editing core (`TextBuffer`: lines, cursor, movement,
/// word wrap) with the input's own keys on top — a kill buffer (Ctrl-W/U/K, Ctrl-Y) and
/// a history of sent messages that Up and Down reach past the first and last row.
///
/// The text wraps like the report editor's (by `LineWrap`'s word-wrap rules). Inserted
/// text is cleaned by `TerminalSanitizer`, as in the report: a paste cannot smuggle
/// anything into the message or onto the screen.
public struct LineEditor: Sendable {
    /// Sent messages, oldest first.
    public private(set) var history: [String]
    /// The last text cut with Ctrl-W/U/K, pasted back by Ctrl-Y.
    public private(set) var killBuffer = ""
    /// Oldest history entries are dropped beyond this.
    public var historyLimit = 500

    private var buffer: TextBuffer
    /// Which history entry is shown; nil while editing the unsent draft.
    private var historyIndex: Int?
    /// The draft kept while browsing history, restored by Down past the newest entry.
    private var draft = ""

    public init(text: String = "", history: [String] = []) {
        buffer = TextBuffer(text: text)
        buffer.moveToEnd()
        self.history = history
    }

    /// The whole buffer as one run of characters, lines separated by `"\n"`.
    public var characters: [Character] { Array(buffer.lines.joined(separator: ["\n"])) }
    /// Index in `characters` before which the cursor stands (0...count).
    public var cursor: Int { buffer.offset(of: buffer.cursor) }
    /// The whole buffer.
    public var text: String { buffer.text }
    public var isEmpty: Bool { buffer.isEmpty }
    /// Whether an entry from history is shown instead of the draft.
    public var isBrowsingHistory: Bool { historyIndex != nil }
    /// The input box's width, set by the pane when it lays the box out. With it,
    /// Up/Down move by screen rows of the wrapped text; without it, by lines.
    public var wrapWidth: Int? {
        get { buffer.wrapWidth }
        set { buffer.wrapWidth = newValue }
    }

    /// Replaces the buffer; the cursor goes to the end.
    public mutating func setText(_ text: String) {
        buffer.replaceAll(with: text)
        buffer.moveToEnd()
    }

    // MARK: Keys

    /// Handles a key in the input pane: edits, typing, paste and newline are done
    /// here; any other bound action (send, cancel, focus…) is returned for the caller.
    /// Unbound non-printing keys are ignored (nil).
    @discardableResult
    public mutating func handle(_ key: Key, keymap: Keymap = .standard) -> Action? {
        switch keymap.command(for: key, focus: .input) {
        case .edit(let command)?:
            apply(command)
            return nil
        case .action(.newline)?:
            insertNewline()
            return nil
        case .action(let action)?:
            return action
        case nil:
            switch key {
            case .character(let character): insert(String(character))
            case .paste(let text): insert(text)
            default: break
            }
            return nil
        }
    }

    /// Carries out one editing command.
    public mutating func apply(_ command: EditorCommand) {
        switch command {
        case .moveLeft: buffer.moveLeft()
        case .moveRight: buffer.moveRight()
        case .wordLeft: buffer.moveWordLeft()
        case .wordRight: buffer.moveWordRight()
        case .lineStart: buffer.moveToLineStart()
        case .lineEnd: buffer.moveToLineEnd()
        case .moveUp: moveVertically(up: true)
        case .moveDown: moveVertically(up: false)
        case .deleteBackward: buffer.deleteBackward()
        case .deleteForward: buffer.deleteForward()
        case .killWordBackward:
            var start = buffer.cursor
            while let character = buffer.character(before: start), character.isWhitespace { start = buffer.place(before: start)! }
            while let character = buffer.character(before: start), !character.isWhitespace { start = buffer.place(before: start)! }
            kill(from: start, to: buffer.cursor)
        case .killToLineStart:
            let start = TextPosition(line: buffer.cursor.line, column: 0)
            kill(from: start == buffer.cursor ? buffer.place(before: start) ?? start : start, to: buffer.cursor)
        case .killToLineEnd:
            let end = TextPosition(line: buffer.cursor.line, column: buffer.lines[buffer.cursor.line].count)
            kill(from: buffer.cursor, to: end == buffer.cursor ? buffer.place(after: end) ?? end : end)
        case .yank:
            insert(killBuffer)
        }
    }

    // MARK: Editing

    /// Inserts typed or pasted text at the cursor (cleaned first; see the type's
    /// documentation) and moves the cursor after it.
    public mutating func insert(_ text: String) {
        buffer.insert(text)
    }

    /// Starts a new line at the cursor (Alt-Enter, Ctrl-J).
    public mutating func insertNewline() {
        insert("\n")
    }

    /// Returns the buffer as the message to send, records it in history (unless blank
    /// or the same as the newest entry) and empties the input.
    public mutating func submit() -> String {
        let message = text
        if message.contains(where: { !$0.isWhitespace }), history.last != message {
            history.append(message)
            if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        }
        buffer.replaceAll(with: "")
        historyIndex = nil
        draft = ""
        return message
    }

    /// Cuts the text between two places into the kill buffer (nothing when empty).
    private mutating func kill(from start: TextPosition, to end: TextPosition) {
        let removed = buffer.remove(from: start, to: end)
        if !removed.isEmpty { killBuffer = removed }
    }

    // MARK: History

    /// Up/Down: to the same display column on the neighbouring row (screen row when
    /// `wrapWidth` is set, line otherwise); past the first row, older history; past
    /// the last, newer history and finally the draft.
    private mutating func moveVertically(up: Bool) {
        guard buffer.isOnEdgeRow(up: up) else { return buffer.moveVertically(by: up ? -1 : 1) }
        buffer.moveTo(buffer.cursor)  // forgets the column aimed for, as any other move
        recallHistory(older: up)
    }

    private mutating func recallHistory(older: Bool) {
        if older {
            guard !history.isEmpty, historyIndex != 0 else { return }
            if historyIndex == nil { draft = text }
            historyIndex = (historyIndex ?? history.count) - 1
            setText(history[historyIndex!])
        } else {
            guard let index = historyIndex else { return }
            if index + 1 < history.count {
                historyIndex = index + 1
                setText(history[index + 1])
            } else {
                historyIndex = nil
                setText(draft)
                draft = ""
            }
        }
    }

    // MARK: Layout

    /// The buffer word-wrapped to `width` columns with the cursor placed (see
    /// `TextBuffer.layout`): a cursor at the end of an exactly full row is shown at the
    /// start of an extra empty row, as terminals do, so it is never drawn outside the box.
    public func layout(width: Int) -> EditorLayout {
        buffer.layout(width: width)
    }
}
