/// The draft report's text editor, without the drawing: the shared editing core
/// (`TextBuffer`: lines, cursor, movement, soft wrap) with undo on top.
///
/// Undo works on changes: a run of typed characters is one change, as is a run of
/// Backspaces or of Deletes, a paste, a newline, a replacement of the whole text.
/// Moving the cursor, saving or any other kind of change ends a run. The last
/// `undoLimit` changes can be undone (and redone until the next change); undoing back
/// to the saved text makes `isModified` false again.
public struct TextEditorBuffer: Sendable {
    /// The text and cursor; edited only through this type, so every change is undoable.
    private var core = TextBuffer()
    /// How many changes `undo()` can take back.
    public var undoLimit = 200

    private var revision = 0
    private var nextRevision = 1
    private var savedRevision = 0
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []
    /// The run of like edits the next one joins (same kind, cursor still where it left it).
    private var openRun: (kind: RunKind, end: TextPosition)?

    private struct Snapshot: Sendable {
        let lines: [[Character]]
        let cursor: TextPosition
        let revision: Int
    }

    private enum RunKind: Sendable { case typing, deletingBackward, deletingForward }

    /// A buffer holding `text`, unmodified, the cursor at the start.
    public init(text: String = "") {
        core = TextBuffer(text: text)
    }

    /// The text, one array of characters per line; never empty.
    public var lines: [[Character]] { core.lines }
    /// Where the cursor stands: always a valid place in `lines`.
    public var cursor: TextPosition { core.cursor }
    /// The pane's width, set when it lays the editor out. With it, Up/Down and Page
    /// Up/Down move by screen rows of the wrapped text; without it, by lines.
    public var wrapWidth: Int? {
        get { core.wrapWidth }
        set { core.wrapWidth = newValue }
    }

    // MARK: Text

    /// The whole text, lines joined with `"\n"`. Setting it replaces everything as one
    /// change (undoable; modified unless the text is the same) and puts the cursor at
    /// the start. To open a saved file use `load(_:)`.
    public var text: String {
        get { core.text }
        set {
            guard TextBuffer(text: newValue).lines != lines else { return }
            change(nil) { $0.replaceAll(with: newValue) }
        }
    }

    /// Replaces the text as a freshly opened file: unmodified, no undo history.
    public mutating func load(_ text: String) {
        core.replaceAll(with: text)
        undoStack = []
        redoStack = []
        openRun = nil
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

    // MARK: Editing

    /// Inserts typed or pasted text at the cursor (newlines start new lines) and moves
    /// the cursor after it. One character is typing, which joins the run before it.
    public mutating func insert(_ text: String) {
        let clean = TextBuffer.sanitize(text)
        guard !clean.isEmpty else { return }
        change(clean.count == 1 && clean != "\n" ? .typing : nil) { $0.insert(clean) }
    }

    /// Splits the line at the cursor (Enter).
    public mutating func insertNewline() {
        insert("\n")
    }

    /// Deletes the character before the cursor; at the start of a line, joins the line
    /// to the one above.
    public mutating func deleteBackward() {
        guard core.place(before: cursor) != nil else { return }
        change(.deletingBackward) { $0.deleteBackward() }
    }

    /// Deletes the character after the cursor; at the end of a line, joins the next
    /// line to it.
    public mutating func deleteForward() {
        guard core.place(after: cursor) != nil else { return }
        change(.deletingForward) { $0.deleteForward() }
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
        core.restore(lines: snapshot.lines, cursor: snapshot.cursor)
        revision = snapshot.revision
        openRun = nil
    }

    /// Makes one change: a snapshot to undo to first, unless the change continues the
    /// open run of its kind; afterwards a new revision, and the run left open for the
    /// next edit of the same kind.
    private mutating func change(_ kind: RunKind?, _ edit: (inout TextBuffer) -> Void) {
        redoStack = []
        if kind == nil || openRun?.kind != kind || openRun?.end != cursor {
            undoStack.append(Snapshot(lines: lines, cursor: cursor, revision: revision))
            if undoStack.count > max(1, undoLimit) { undoStack.removeFirst(undoStack.count - max(1, undoLimit)) }
        }
        edit(&core)
        revision = nextRevision
        nextRevision += 1
        openRun = kind.map { ($0, cursor) }
    }

    // MARK: Movement

    /// Moves the cursor with one of the core's moves; every move ends the open run of edits.
    private mutating func move(_ body: (inout TextBuffer) -> Void) {
        body(&core)
        openRun = nil
    }

    /// Puts the cursor at a place, clamped into the text.
    public mutating func moveTo(_ position: TextPosition) { move { $0.moveTo(position) } }
    public mutating func moveLeft() { move { $0.moveLeft() } }
    public mutating func moveRight() { move { $0.moveRight() } }
    public mutating func moveToLineStart() { move { $0.moveToLineStart() } }
    public mutating func moveToLineEnd() { move { $0.moveToLineEnd() } }
    public mutating func moveToStart() { move { $0.moveToStart() } }
    public mutating func moveToEnd() { move { $0.moveToEnd() } }
    public mutating func moveWordLeft() { move { $0.moveWordLeft() } }
    public mutating func moveWordRight() { move { $0.moveWordRight() } }
    /// Up one row (screen row when `wrapWidth` is set), keeping the display column
    /// aimed for; from the first row, to the start of the text.
    public mutating func moveUp() { move { $0.moveVertically(by: -1) } }
    /// Down one row; from the last row, to the end of the text.
    public mutating func moveDown() { move { $0.moveVertically(by: 1) } }
    /// Up a page of `height` rows less one, so one row of context stays in view.
    public mutating func pageUp(height: Int) { move { $0.moveVertically(by: -max(1, height - 1)) } }
    /// Down a page of `height` rows less one.
    public mutating func pageDown(height: Int) { move { $0.moveVertically(by: max(1, height - 1)) } }

    // MARK: Layout

    /// The text as screen rows (see `TextBuffer.visualRows`).
    public func visualRows(width: Int?) -> [TextEditorRow] { core.visualRows(width: width) }

    /// The index in `rows` of the row showing `position`.
    public static func rowIndex(of position: TextPosition, in rows: [TextEditorRow]) -> Int {
        TextBuffer.rowIndex(of: position, in: rows)
    }

    /// Display columns from the row's start to `position` (on that row).
    public func displayColumn(of position: TextPosition, in row: TextEditorRow) -> Int {
        core.displayColumn(of: position, in: row)
    }

    /// The place on a row nearest a display column, not past it (Up/Down, mouse clicks).
    public func position(in row: TextEditorRow, atDisplayColumn column: Int) -> TextPosition {
        core.position(in: row, atDisplayColumn: column)
    }

    /// The text wrapped to `width` with the cursor placed on screen.
    public func layout(width: Int) -> EditorLayout { core.layout(width: width) }

    /// The first row to show in a pane `height` rows high so that `cursorRow` is in
    /// view, scrolling as little as possible from `top`.
    public static func scrollTop(cursorRow: Int, height: Int, top: Int) -> Int {
        let height = max(1, height)
        if cursorRow < top { return cursorRow }
        if cursorRow >= top + height { return cursorRow - height + 1 }
        return max(0, top)
    }
}
