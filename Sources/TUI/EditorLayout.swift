/// An editor's text (message input or report) wrapped to a width: the rows to draw and
/// where the cursor goes.
public struct EditorLayout: Equatable, Sendable {
    /// Screen rows, each at most `width` columns (a single wide character on a width-1
    /// box is the one exception). Empty lines are empty strings.
    public let rows: [String]
    /// Cursor position on screen, relative to the first row.
    public let cursorRow: Int
    public let cursorColumn: Int

    public init(rows: [String], cursorRow: Int, cursorColumn: Int) {
        self.rows = rows
        self.cursorRow = cursorRow
        self.cursorColumn = cursorColumn
    }
}
