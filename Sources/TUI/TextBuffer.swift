/// The one text-editing core under both editors — the message input (`LineEditor`) and
/// the draft report (`TextEditorBuffer`): lines of characters, a cursor, insertion and
/// deletion, and (in the extensions) movement and soft wrap. What differs between the
/// two panes stays with them: sent-message history and the kill buffer in the input,
/// undo in the report.
///
/// Columns count characters (grapheme clusters): an emoji ZWJ sequence, a flag or a
/// letter with combining accents is one step of the cursor and one Backspace, and a
/// combining mark typed alone joins the letter before it. Wrapping and Up/Down use
/// display columns instead (`DisplayWidth`: CJK and emoji take two).
///
/// Inserted text is cleaned by `TerminalSanitizer` (escape sequences and control
/// characters dropped, tabs to spaces, CR LF to newlines): a paste cannot smuggle
/// anything into the text or onto the screen.
public struct TextBuffer: Sendable {
    /// The text, one array of characters per line; never empty (an empty text is one
    /// empty line).
    public private(set) var lines: [[Character]]
    /// Where the cursor stands: always a valid place in `lines`.
    public internal(set) var cursor: TextPosition
    /// The pane's width, set when it lays the text out. With it, Up/Down move by screen
    /// rows of the wrapped text, as people expect in a box; without it, by lines.
    public var wrapWidth: Int?
    /// The display column Up/Down aim for, kept across consecutive vertical moves and
    /// forgotten by any other move or edit.
    var goalColumn: Int?

    private static let sanitizer = TerminalSanitizer(keepsNewlines: true, tabWidth: 4)

    /// A buffer holding `text`, the cursor at the start.
    public init(text: String = "") {
        lines = Self.split(text)
        cursor = .start
    }

    /// The whole text, lines joined with `"\n"`.
    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    public var isEmpty: Bool { lines.count == 1 && lines[0].isEmpty }
    /// The place after the last character.
    public var end: TextPosition { TextPosition(line: lines.count - 1, column: lines[lines.count - 1].count) }

    /// `text` as it would be inserted: escape sequences and control characters dropped,
    /// tabs expanded, line ends made `"\n"`.
    public static func sanitize(_ text: String) -> String { sanitizer.sanitize(text) }

    /// Replaces everything with `text` (cleaned); the cursor goes to the start.
    public mutating func replaceAll(with text: String) {
        lines = Self.split(text)
        cursor = .start
        goalColumn = nil
    }

    /// Puts back a text and cursor saved earlier (undo and redo).
    mutating func restore(lines: [[Character]], cursor: TextPosition) {
        self.lines = lines
        self.cursor = cursor
        goalColumn = nil
    }

    private static func split(_ text: String) -> [[Character]] {
        sanitize(text).split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    }

    // MARK: Editing

    /// Inserts typed or pasted text at the cursor (cleaned first; newlines start new
    /// lines) and moves the cursor after it.
    public mutating func insert(_ text: String) {
        goalColumn = nil
        let clean = Self.sanitize(text)
        guard !clean.isEmpty else { return }
        let pieces = clean.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = lines[cursor.line]
        let before = String(line[..<cursor.column])
        let after = String(line[cursor.column...])
        // Re-segmenting the joined strings lets a combining mark join the letter before
        // it, and a letter typed before a lone mark take it.
        let lastLeft = Array((pieces.count == 1 ? before : "") + pieces[pieces.count - 1])
        let lastFull = Array((pieces.count == 1 ? before : "") + pieces[pieces.count - 1] + after)
        var replacement: [[Character]] = []
        if pieces.count > 1 {
            replacement.append(Array(before + pieces[0]))
            replacement += pieces[1..<(pieces.count - 1)].map { Array($0) }
        }
        replacement.append(lastFull)
        lines.replaceSubrange(cursor.line...cursor.line, with: replacement)
        cursor = TextPosition(line: cursor.line + pieces.count - 1, column: min(lastLeft.count, lastFull.count))
    }

    /// Deletes the character before the cursor; at the start of a line, joins the line
    /// to the one above. Nothing at the start of the text.
    public mutating func deleteBackward() {
        guard let start = place(before: cursor) else { return goalColumn = nil }
        remove(from: start, to: cursor)
    }

    /// Deletes the character after the cursor; at the end of a line, joins the next
    /// line to it. Nothing at the end of the text.
    public mutating func deleteForward() {
        guard let next = place(after: cursor) else { return goalColumn = nil }
        remove(from: cursor, to: next)
    }

    /// Removes the text between two places (a line break counts as `"\n"`), leaves the
    /// cursor where it was cut and returns what was removed.
    @discardableResult
    public mutating func remove(from start: TextPosition, to end: TextPosition) -> String {
        goalColumn = nil
        let (start, end) = (min(start, end), max(start, end))
        guard start != end else { return "" }
        let removed = lines[start.line...end.line].enumerated().map { offset, line -> String in
            let from = offset == 0 ? start.column : 0
            let to = start.line + offset == end.line ? end.column : line.count
            return String(line[from..<to])
        }.joined(separator: "\n")
        let joined = Array(lines[start.line][..<start.column]) + Array(lines[end.line][end.column...])
        lines.replaceSubrange(start.line...end.line, with: [Self.rejoined(joined, at: start.column)])
        cursor = TextPosition(line: start.line, column: min(start.column, lines[start.line].count))
        return removed
    }

    /// After a deletion brought `line[index - 1]` and `line[index]` together: merges
    /// them when they form one character (a letter and a lone combining mark).
    private static func rejoined(_ line: [Character], at index: Int) -> [Character] {
        guard index > 0, index < line.count else { return line }
        let pair = Array(String(line[(index - 1)...index]))
        guard pair.count == 1 else { return line }
        var merged = line
        merged.replaceSubrange((index - 1)...index, with: pair)
        return merged
    }

    // MARK: Places

    /// The place one character before `position` (the end of the line above from a
    /// line's start); nil at the start of the text.
    public func place(before position: TextPosition) -> TextPosition? {
        if position.column > 0 { return TextPosition(line: position.line, column: position.column - 1) }
        if position.line > 0 { return TextPosition(line: position.line - 1, column: lines[position.line - 1].count) }
        return nil
    }

    /// The place one character after `position`; nil at the end of the text.
    public func place(after position: TextPosition) -> TextPosition? {
        if position.column < lines[position.line].count { return TextPosition(line: position.line, column: position.column + 1) }
        if position.line + 1 < lines.count { return TextPosition(line: position.line + 1, column: 0) }
        return nil
    }

    /// The character just before `position`, a line break read as `"\n"`; nil at the start.
    public func character(before position: TextPosition) -> Character? {
        if position.column > 0 { return lines[position.line][position.column - 1] }
        return position.line > 0 ? "\n" : nil
    }

    /// How many characters precede `position` in `text` (a line break counts one).
    public func offset(of position: TextPosition) -> Int {
        lines[..<position.line].reduce(0) { $0 + $1.count + 1 } + position.column
    }
}
