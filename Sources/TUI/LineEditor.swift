/// The message input: a multi-line text buffer with a cursor, editing keys, a kill
/// buffer and a history of sent messages — everything but the drawing.
///
/// The buffer is an array of `Character`s (grapheme clusters), lines separated by
/// `"\n"`, and the cursor an index into it. Every movement and deletion therefore
/// works on whole user-perceived characters: an emoji ZWJ sequence, a flag or a
/// letter with combining accents is one step and one Backspace. Characters typed one
/// scalar at a time (a combining accent after its letter) are merged into one cluster.
///
/// Text inserted (typed or pasted) is cleaned by `TerminalSanitizer`: escape
/// sequences and control characters are dropped, tabs become spaces, CR LF becomes a
/// newline — a paste cannot smuggle anything into the message or the screen.
public struct LineEditor: Sendable {
    public private(set) var characters: [Character]
    /// Index in `characters` before which the cursor stands (0...count).
    public private(set) var cursor: Int
    /// Sent messages, oldest first.
    public private(set) var history: [String]
    /// The last text cut with Ctrl-W/U/K, pasted back by Ctrl-Y.
    public private(set) var killBuffer = ""
    /// Oldest history entries are dropped beyond this.
    public var historyLimit = 500
    /// The input box's width, set by the pane when it lays the box out. With it,
    /// Up/Down move by screen rows of the wrapped text, as people expect in a box;
    /// without it, by lines.
    public var wrapWidth: Int?

    /// Which history entry is shown; nil while editing the unsent draft.
    private var historyIndex: Int?
    /// The draft kept while browsing history, restored by Down past the newest entry.
    private var draft: [Character] = []
    /// The display column Up/Down aim for, kept across consecutive vertical moves.
    private var goalColumn: Int?

    private static let sanitizer = TerminalSanitizer(keepsNewlines: true, tabWidth: 4)

    public init(text: String = "", history: [String] = []) {
        characters = Array(Self.sanitizer.sanitize(text))
        cursor = characters.count
        self.history = history
    }

    /// The whole buffer.
    public var text: String { String(characters) }
    public var isEmpty: Bool { characters.isEmpty }
    /// Whether an entry from history is shown instead of the draft.
    public var isBrowsingHistory: Bool { historyIndex != nil }

    /// Replaces the buffer; the cursor goes to the end.
    public mutating func setText(_ text: String) {
        characters = Array(Self.sanitizer.sanitize(text))
        cursor = characters.count
        goalColumn = nil
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
        if command != .moveUp && command != .moveDown { goalColumn = nil }
        switch command {
        case .moveLeft: cursor = max(0, cursor - 1)
        case .moveRight: cursor = min(characters.count, cursor + 1)
        case .wordLeft: cursor = wordStart(before: cursor)
        case .wordRight: cursor = wordEnd(after: cursor)
        case .lineStart: cursor = lineStart(of: cursor)
        case .lineEnd: cursor = lineEnd(of: cursor)
        case .moveUp: moveVertically(up: true)
        case .moveDown: moveVertically(up: false)
        case .deleteBackward:
            guard cursor > 0 else { return }
            remove(cursor - 1..<cursor, keep: false)
        case .deleteForward:
            guard cursor < characters.count else { return }
            remove(cursor..<cursor + 1, keep: false)
        case .killWordBackward:
            var start = cursor
            while start > 0, characters[start - 1].isWhitespace { start -= 1 }
            while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
            remove(start..<cursor, keep: true)
        case .killToLineStart:
            let start = lineStart(of: cursor)
            remove((start == cursor ? max(0, cursor - 1) : start)..<cursor, keep: true)
        case .killToLineEnd:
            let end = lineEnd(of: cursor)
            remove(cursor..<(end == cursor ? min(characters.count, cursor + 1) : end), keep: true)
        case .yank:
            insert(killBuffer)
        }
    }

    // MARK: Editing

    /// Inserts typed or pasted text at the cursor (cleaned first; see the type's
    /// documentation) and moves the cursor after it.
    public mutating func insert(_ text: String) {
        goalColumn = nil
        let clean = Self.sanitizer.sanitize(text)
        guard !clean.isEmpty else { return }
        // Re-segment with one neighbour on each side, so that a combining mark joins
        // the letter before it and a letter typed before a mark takes it.
        let lower = max(0, cursor - 1)
        let upper = min(characters.count, cursor + 1)
        let before = String(characters[lower..<cursor]) + clean
        let merged = Array(before + String(characters[cursor..<upper]))
        characters.replaceSubrange(lower..<upper, with: merged)
        cursor = lower + min(before.count, merged.count)
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
        characters = []
        cursor = 0
        historyIndex = nil
        draft = []
        goalColumn = nil
        return message
    }

    /// Removes a range (optionally into the kill buffer) and leaves the cursor there.
    private mutating func remove(_ range: Range<Int>, keep: Bool) {
        guard !range.isEmpty else { return }
        if keep { killBuffer = String(characters[range]) }
        characters.removeSubrange(range)
        cursor = range.lowerBound
        // Removing a character can bring a combining mark next to a new base.
        if cursor > 0, cursor < characters.count {
            let joined = Array(String(characters[cursor - 1...cursor]))
            if joined.count == 1 {
                characters.replaceSubrange(cursor - 1...cursor, with: joined)  // cursor now after it
            }
        }
    }

    // MARK: Movement

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    private func wordStart(before index: Int) -> Int {
        var index = index
        while index > 0, !Self.isWordCharacter(characters[index - 1]) { index -= 1 }
        while index > 0, Self.isWordCharacter(characters[index - 1]) { index -= 1 }
        return index
    }

    private func wordEnd(after index: Int) -> Int {
        var index = index
        while index < characters.count, !Self.isWordCharacter(characters[index]) { index += 1 }
        while index < characters.count, Self.isWordCharacter(characters[index]) { index += 1 }
        return index
    }

    private func lineStart(of index: Int) -> Int {
        var index = index
        while index > 0, characters[index - 1] != "\n" { index -= 1 }
        return index
    }

    private func lineEnd(of index: Int) -> Int {
        var index = index
        while index < characters.count, characters[index] != "\n" { index += 1 }
        return index
    }

    /// Up/Down: to the same display column on the neighbouring row (screen row when
    /// `wrapWidth` is set, line otherwise); past the first row, older history; past
    /// the last, newer history and finally the draft.
    private mutating func moveVertically(up: Bool) {
        let rows = self.rows(width: wrapWidth.map { max(1, $0) })
        let current = Self.row(of: cursor, in: rows)
        if up && current == 0 { return recallHistory(older: true) }
        if !up && current == rows.count - 1 { return recallHistory(older: false) }
        let column = goalColumn ?? DisplayWidth.of(String(characters[rows[current].start..<cursor]))
        goalColumn = column
        let target = rows[up ? current - 1 : current + 1]
        // On a wrapped row the last place is before its final character: the place
        // after it is drawn at the start of the next row.
        let last = target.endsLine ? target.end : max(target.start, target.end - 1)
        var index = target.start
        var used = 0
        while index < last {
            let width = DisplayWidth.of(characters[index])
            if used + width > column { break }
            used += width
            index += 1
        }
        cursor = index
    }

    private mutating func recallHistory(older: Bool) {
        goalColumn = nil
        if older {
            guard !history.isEmpty, historyIndex != 0 else { return }
            if historyIndex == nil { draft = characters }
            historyIndex = (historyIndex ?? history.count) - 1
            characters = Array(history[historyIndex!])
        } else {
            guard let index = historyIndex else { return }
            if index + 1 < history.count {
                historyIndex = index + 1
                characters = Array(history[index + 1])
            } else {
                historyIndex = nil
                characters = draft
                draft = []
            }
        }
        cursor = characters.count
    }

    // MARK: Layout

    /// A screen row: `characters[start..<end]`. `endsLine` when a newline or the end
    /// of the buffer follows, so the cursor may stand at `end` on this row.
    private struct Row {
        let start: Int
        let end: Int
        let endsLine: Bool
    }

    /// The buffer cut into rows of at most `width` columns (a wide character that does
    /// not fit moves whole to the next row); nil width: one row per line.
    private func rows(width: Int?) -> [Row] {
        var rows: [Row] = []
        var lineStart = 0
        while true {
            let lineEnd = self.lineEnd(of: lineStart)
            var rowStart = lineStart
            var used = 0
            for index in lineStart..<lineEnd {
                let characterWidth = DisplayWidth.of(characters[index])
                if let width, used + characterWidth > width, index > rowStart {
                    rows.append(Row(start: rowStart, end: index, endsLine: false))
                    rowStart = index
                    used = 0
                }
                used += characterWidth
            }
            rows.append(Row(start: rowStart, end: lineEnd, endsLine: true))
            guard lineEnd < characters.count else { return rows }
            lineStart = lineEnd + 1
        }
    }

    /// The row showing `index`: the one containing it, or ending at it when that row
    /// ends its line (a boundary inside a wrapped line belongs to the next row).
    private static func row(of index: Int, in rows: [Row]) -> Int {
        rows.firstIndex { index >= $0.start && (index < $0.end || ($0.endsLine && index == $0.end)) } ?? 0
    }

    /// Wraps the buffer to `width` columns by display width — a wide character that
    /// does not fit moves whole to the next row — and places the cursor. A cursor at
    /// the end of an exactly full row is shown at the start of an extra empty row, as
    /// terminals do, so it is never drawn outside the box.
    public func layout(width: Int) -> EditorLayout {
        let width = max(1, width)
        let rows = self.rows(width: width)
        var texts = rows.map { String(characters[$0.start..<$0.end]) }
        var cursorRow = Self.row(of: cursor, in: rows)
        var cursorColumn = DisplayWidth.of(String(characters[rows[cursorRow].start..<cursor]))
        if cursorColumn >= width {
            texts.insert("", at: cursorRow + 1)
            cursorRow += 1
            cursorColumn = 0
        }
        return EditorLayout(rows: texts, cursorRow: cursorRow, cursorColumn: cursorColumn)
    }
}
