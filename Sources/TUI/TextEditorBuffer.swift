/// The draft report's text editor, without the drawing: lines of characters, a
/// cursor, editing, movement, soft wrap and undo.
///
/// Columns count characters (grapheme clusters): an emoji ZWJ sequence, a flag or a
/// letter with combining accents is one step of the cursor and one Backspace. Wrapping
/// and Up/Down use display columns instead (`DisplayWidth`: CJK and emoji take two).
///
/// Inserted text is cleaned by `TerminalSanitizer` (escape sequences and control
/// characters dropped, tabs to spaces, CR LF to newlines), as in the message input.
///
/// Undo works on changes: a run of typed characters is one change, as is a run of
/// Backspaces or of Deletes, a paste, a newline, a replacement of the whole text.
/// Moving the cursor, saving or any other kind of change ends a run. The last
/// `undoLimit` changes can be undone (and redone until the next change); undoing back
/// to the saved text makes `isModified` false again.
public struct TextEditorBuffer: Sendable {
    /// The text, one array of characters per line; never empty (an empty text is one
    /// empty line).
    public private(set) var lines: [[Character]]
    /// Where the cursor stands: always a valid place in `lines`.
    public private(set) var cursor: TextPosition
    /// The pane's width, set when it lays the editor out. With it, Up/Down and Page
    /// Up/Down move by screen rows of the wrapped text; without it, by lines.
    public var wrapWidth: Int?
    /// How many changes `undo()` can take back.
    public var undoLimit = 200

    private var revision = 0
    private var nextRevision = 1
    private var savedRevision = 0
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []
    /// The run of like edits the next one joins (same kind, cursor still where it left it).
    private var openRun: (kind: RunKind, end: TextPosition)?
    /// The display column Up/Down aim for, kept across consecutive vertical moves.
    private var goalColumn: Int?

    private struct Snapshot: Sendable {
        let lines: [[Character]]
        let cursor: TextPosition
        let revision: Int
    }

    private enum RunKind: Sendable { case typing, deletingBackward, deletingForward }

    private static let sanitizer = TerminalSanitizer(keepsNewlines: true, tabWidth: 4)

    /// A buffer holding `text`, unmodified, the cursor at the start.
    public init(text: String = "") {
        lines = Self.split(text)
        cursor = .start
    }

    // MARK: Text

    /// The whole text, lines joined with `"\n"`. Setting it replaces everything as one
    /// change (undoable; modified unless the text is the same) and puts the cursor at
    /// the start. To open a saved file use `load(_:)`.
    public var text: String {
        get { lines.map { String($0) }.joined(separator: "\n") }
        set {
            let new = Self.split(newValue)
            guard new != lines else { return }
            beginChange(nil)
            lines = new
            cursor = .start
            endChange(nil)
        }
    }

    /// Replaces the text as a freshly opened file: unmodified, no undo history.
    public mutating func load(_ text: String) {
        lines = Self.split(text)
        cursor = .start
        undoStack = []
        redoStack = []
        openRun = nil
        goalColumn = nil
        revision = nextRevision
        nextRevision += 1
        savedRevision = revision
    }

    /// Whether the text differs from the last `markSaved()` (or the opened text).
    public var isModified: Bool { revision != savedRevision }

    /// Records the current text as saved.
    public mutating func markSaved() {
        savedRevision = revision
        openRun = nil
    }

    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }

    private static func split(_ text: String) -> [[Character]] {
        sanitizer.sanitize(text).split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    }

    // MARK: Editing

    /// Inserts typed or pasted text at the cursor (newlines start new lines) and moves
    /// the cursor after it. One character is typing, which joins the run before it.
    public mutating func insert(_ text: String) {
        let clean = Self.sanitizer.sanitize(text)
        guard !clean.isEmpty else { return }
        let typing = clean.count == 1 && clean != "\n"
        beginChange(typing ? .typing : nil)
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
        endChange(typing ? .typing : nil)
    }

    /// Splits the line at the cursor (Enter).
    public mutating func insertNewline() {
        insert("\n")
    }

    /// Deletes the character before the cursor; at the start of a line, joins the line
    /// to the one above.
    public mutating func deleteBackward() {
        if cursor.column > 0 {
            beginChange(.deletingBackward)
            var line = lines[cursor.line]
            line.remove(at: cursor.column - 1)
            lines[cursor.line] = Self.rejoined(line, at: cursor.column - 1)
            cursor.column -= 1
        } else if cursor.line > 0 {
            beginChange(.deletingBackward)
            cursor = joinLine(cursor.line - 1)
        } else {
            return
        }
        endChange(.deletingBackward)
    }

    /// Deletes the character after the cursor; at the end of a line, joins the next
    /// line to it.
    public mutating func deleteForward() {
        if cursor.column < lines[cursor.line].count {
            beginChange(.deletingForward)
            var line = lines[cursor.line]
            line.remove(at: cursor.column)
            lines[cursor.line] = Self.rejoined(line, at: cursor.column)
        } else if cursor.line + 1 < lines.count {
            beginChange(.deletingForward)
            cursor = joinLine(cursor.line)
        } else {
            return
        }
        endChange(.deletingForward)
    }

    /// Appends line `index + 1` to line `index`; returns the place where they meet.
    private mutating func joinLine(_ index: Int) -> TextPosition {
        let column = lines[index].count
        lines[index] = Self.rejoined(lines[index] + lines[index + 1], at: column)
        lines.remove(at: index + 1)
        return TextPosition(line: index, column: min(column, lines[index].count))
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

    // MARK: Undo

    /// Takes back the last change; false when there is none.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let snapshot = undoStack.popLast() else { return false }
        redoStack.append(Snapshot(lines: lines, cursor: cursor, revision: revision))
        restore(snapshot)
        return true
    }

    /// Does again the last change undone; false when there is none.
    @discardableResult
    public mutating func redo() -> Bool {
        guard let snapshot = redoStack.popLast() else { return false }
        undoStack.append(Snapshot(lines: lines, cursor: cursor, revision: revision))
        restore(snapshot)
        return true
    }

    private mutating func restore(_ snapshot: Snapshot) {
        lines = snapshot.lines
        cursor = snapshot.cursor
        revision = snapshot.revision
        openRun = nil
        goalColumn = nil
    }

    /// Before a change: a snapshot to undo to, unless the change continues the open run.
    private mutating func beginChange(_ kind: RunKind?) {
        goalColumn = nil
        redoStack = []
        if let kind, let run = openRun, run.kind == kind, run.end == cursor { return }
        undoStack.append(Snapshot(lines: lines, cursor: cursor, revision: revision))
        if undoStack.count > max(1, undoLimit) { undoStack.removeFirst(undoStack.count - max(1, undoLimit)) }
    }

    private mutating func endChange(_ kind: RunKind?) {
        revision = nextRevision
        nextRevision += 1
        openRun = kind.map { ($0, cursor) }
    }

    // MARK: Movement

    /// Puts the cursor at a place, clamped into the text.
    public mutating func moveTo(_ position: TextPosition) {
        let line = max(0, min(lines.count - 1, position.line))
        setCursor(TextPosition(line: line, column: max(0, min(lines[line].count, position.column))))
    }

    /// One character left; from the start of a line to the end of the one above.
    public mutating func moveLeft() {
        if cursor.column > 0 {
            setCursor(TextPosition(line: cursor.line, column: cursor.column - 1))
        } else if cursor.line > 0 {
            setCursor(TextPosition(line: cursor.line - 1, column: lines[cursor.line - 1].count))
        }
    }

    /// One character right; from the end of a line to the start of the next.
    public mutating func moveRight() {
        if cursor.column < lines[cursor.line].count {
            setCursor(TextPosition(line: cursor.line, column: cursor.column + 1))
        } else if cursor.line + 1 < lines.count {
            setCursor(TextPosition(line: cursor.line + 1, column: 0))
        }
    }

    /// Home: the start of the line.
    public mutating func moveToLineStart() { setCursor(TextPosition(line: cursor.line, column: 0)) }
    /// End: the end of the line.
    public mutating func moveToLineEnd() { setCursor(TextPosition(line: cursor.line, column: lines[cursor.line].count)) }
    /// The start of the text.
    public mutating func moveToStart() { setCursor(.start) }
    /// The end of the text.
    public mutating func moveToEnd() { setCursor(TextPosition(line: lines.count - 1, column: lines[lines.count - 1].count)) }

    /// To the start of the word before the cursor (letters, digits and `_` make words);
    /// from the start of a line to the end of the one above.
    public mutating func moveWordLeft() {
        guard cursor.column > 0 else { return moveLeft() }
        let line = lines[cursor.line]
        var index = cursor.column
        while index > 0, !Self.isWordCharacter(line[index - 1]) { index -= 1 }
        while index > 0, Self.isWordCharacter(line[index - 1]) { index -= 1 }
        setCursor(TextPosition(line: cursor.line, column: index))
    }

    /// To the end of the word after the cursor; from the end of a line to the start of
    /// the next.
    public mutating func moveWordRight() {
        let line = lines[cursor.line]
        guard cursor.column < line.count else { return moveRight() }
        var index = cursor.column
        while index < line.count, !Self.isWordCharacter(line[index]) { index += 1 }
        while index < line.count, Self.isWordCharacter(line[index]) { index += 1 }
        setCursor(TextPosition(line: cursor.line, column: index))
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    /// Up one row (screen row when `wrapWidth` is set), keeping the display column
    /// aimed for; from the first row, to the start of the text.
    public mutating func moveUp() { moveVertically(by: -1) }
    /// Down one row; from the last row, to the end of the text.
    public mutating func moveDown() { moveVertically(by: 1) }
    /// Up a page of `height` rows less one, so one row of context stays in view.
    public mutating func pageUp(height: Int) { moveVertically(by: -max(1, height - 1)) }
    /// Down a page of `height` rows less one.
    public mutating func pageDown(height: Int) { moveVertically(by: max(1, height - 1)) }

    private mutating func moveVertically(by delta: Int) {
        let rows = visualRows(width: wrapWidth)
        let current = Self.rowIndex(of: cursor, in: rows)
        let target = max(0, min(rows.count - 1, current + delta))
        guard target != current else { return delta < 0 ? moveToStart() : moveToEnd() }
        let goal = goalColumn ?? displayColumn(of: cursor, in: rows[current])
        setCursor(position(in: rows[target], atDisplayColumn: goal))
        goalColumn = goal
    }

    /// Every cursor move ends the open run of edits and, except vertical moves (which
    /// set it again), forgets the column aimed for.
    private mutating func setCursor(_ position: TextPosition) {
        cursor = position
        openRun = nil
        goalColumn = nil
    }

    // MARK: Wrapping

    /// The text as screen rows of at most `width` display columns (word wrap by
    /// `LineWrap`'s rules); nil: one row a line. Spaces at a break stay at the end of
    /// their row even past the edge, so every character keeps its place and the cursor
    /// can stand on any of them.
    public func visualRows(width: Int?) -> [TextEditorRow] {
        var rows: [TextEditorRow] = []
        for (number, line) in lines.enumerated() {
            guard let width else {
                rows.append(TextEditorRow(line: number, start: 0, end: line.count, endsLine: true))
                continue
            }
            let ranges = LineWrap.rows(line, width: width)
            for (index, range) in ranges.enumerated() {
                rows.append(TextEditorRow(line: number, start: range.lowerBound, end: range.upperBound,
                                          endsLine: index == ranges.count - 1))
            }
        }
        return rows
    }

    /// The index in `rows` of the row showing `position`.
    public static func rowIndex(of position: TextPosition, in rows: [TextEditorRow]) -> Int {
        rows.firstIndex { $0.contains(position) } ?? 0
    }

    /// Display columns from the row's start to `position` (on that row).
    public func displayColumn(of position: TextPosition, in row: TextEditorRow) -> Int {
        let line = lines[row.line]
        let end = max(row.start, min(position.column, line.count))
        return DisplayWidth.of(String(line[row.start..<end]))
    }

    /// The place on a row nearest a display column, not past it: for Up/Down and mouse
    /// clicks. On a row that continues on the next, the last place is before its last
    /// character (the place after it is drawn on the next row).
    public func position(in row: TextEditorRow, atDisplayColumn column: Int) -> TextPosition {
        let line = lines[row.line]
        let last = row.endsLine ? row.end : max(row.start, row.end - 1)
        var index = row.start
        var used = 0
        while index < last {
            let width = DisplayWidth.of(line[index])
            if used + width > column { break }
            used += width
            index += 1
        }
        return TextPosition(line: row.line, column: index)
    }

    /// The text wrapped to `width` with the cursor placed on screen. A cursor past the
    /// edge at the end of a line (an exactly full last row) is shown at the start of an
    /// extra empty row, as terminals do; one on spaces hanging past the edge in the
    /// middle of a line is shown in the last column. The hanging spaces themselves are
    /// left out of the rows, which would otherwise be drawn over the pane's border.
    public func layout(width: Int) -> EditorLayout {
        let width = max(1, width)
        let rows = visualRows(width: width)
        var texts = rows.map { row in
            var text = lines[row.line][row.start..<row.end]
            while text.last == " ", DisplayWidth.of(String(text)) > width { text.removeLast() }
            return String(text)
        }
        var cursorRow = Self.rowIndex(of: cursor, in: rows)
        var cursorColumn = displayColumn(of: cursor, in: rows[cursorRow])
        if cursorColumn >= width {
            if rows[cursorRow].endsLine && cursor.column == rows[cursorRow].end {
                texts.insert("", at: cursorRow + 1)
                cursorRow += 1
                cursorColumn = 0
            } else {
                cursorColumn = width - 1
            }
        }
        return EditorLayout(rows: texts, cursorRow: cursorRow, cursorColumn: cursorColumn)
    }

    /// The first row to show in a pane `height` rows high so that `cursorRow` is in
    /// view, scrolling as little as possible from `top`.
    public static func scrollTop(cursorRow: Int, height: Int, top: Int) -> Int {
        let height = max(1, height)
        if cursorRow < top { return cursorRow }
        if cursorRow >= top + height { return cursorRow - height + 1 }
        return max(0, top)
    }
}
