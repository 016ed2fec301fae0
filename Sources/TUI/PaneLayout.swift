/// Where each pane of the workstation goes for a terminal size: a pure function of the
/// size (and the input box's height), so resizes just compute it again and tests can
/// check every size without a terminal.
///
/// Wide terminals (≥ `wideColumns`) put the case pane above the image preview in a left
/// column beside the chat; narrower ones put case and image side by side above the chat.
/// The status bar is always the last row. Below `minimum`, there is no layout and the
/// screen shows "enlarge the terminal" instead.
public struct PaneLayout: Equatable, Sendable {
    public struct Rect: Equatable, Sendable {
        public var row: Int, column: Int, rows: Int, columns: Int
        public init(row: Int, column: Int, rows: Int, columns: Int) {
            self.row = row; self.column = column; self.rows = rows; self.columns = columns
        }
        public var bottom: Int { row + rows }
        public var right: Int { column + columns }
    }

    public static let minimum = (rows: 18, columns: 60)
    public static let wideColumns = 120

    public var casePane: Rect
    public var imagePane: Rect
    public var transcript: Rect
    public var input: Rect
    public var statusBar: Rect

    /// `inputLines`: text lines the input box wants (it grows with a multi-line draft, up
    /// to a third of the chat column; the box adds a border row above and below).
    public static func compute(rows: Int, columns: Int, inputLines: Int = 1) -> PaneLayout? {
        guard rows >= minimum.rows, columns >= minimum.columns else { return nil }
        let status = Rect(row: rows - 1, column: 0, rows: 1, columns: columns)
        let body = rows - 1
        if columns >= wideColumns {
            let left = max(36, columns * 34 / 100)
            let caseRows = max(6, body * 40 / 100)
            let chatColumns = columns - left
            let input = inputRect(lines: inputLines, bottom: body, column: left, columns: chatColumns, height: body)
            return PaneLayout(
                casePane: Rect(row: 0, column: 0, rows: caseRows, columns: left),
                imagePane: Rect(row: caseRows, column: 0, rows: body - caseRows, columns: left),
                transcript: Rect(row: 0, column: left, rows: input.row, columns: chatColumns),
                input: input,
                statusBar: status)
        }
        let topRows = max(6, body * 38 / 100)
        let caseColumns = columns / 2
        let input = inputRect(lines: inputLines, bottom: body, column: 0, columns: columns, height: body - topRows)
        return PaneLayout(
            casePane: Rect(row: 0, column: 0, rows: topRows, columns: caseColumns),
            imagePane: Rect(row: 0, column: caseColumns, rows: topRows, columns: columns - caseColumns),
            transcript: Rect(row: topRows, column: 0, rows: input.row - topRows, columns: columns),
            input: input,
            statusBar: status)
    }

    /// The input box at the bottom of the chat column: its lines plus two border rows,
    /// at most a third of the chat column's height.
    private static func inputRect(lines: Int, bottom: Int, column: Int, columns: Int, height: Int) -> Rect {
        let rows = min(max(1, lines), max(1, height / 3)) + 2
        return Rect(row: bottom - rows, column: column, rows: rows, columns: columns)
    }
}
