/// Soft wrap: the text as screen rows by `LineWrap`'s word-wrap rules, the mapping
/// between places and rows, and the layout both editors draw.
extension TextBuffer {
    /// The text as screen rows of at most `width` display columns; nil: one row a line.
    /// Spaces at a break stay at the end of their row even past the edge, so every
    /// character keeps its place and the cursor can stand on any of them.
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
}
