/// Breaks styled text into screen rows by display width, by `LineWrap`'s rules (the
/// editors' too): word wrap, or hard wrap for code blocks, which keeps every space.
/// Spaces at the end of a word-wrapped row are dropped.
///
/// `prefix` is drawn before the first row and `indent` blank columns before the
/// others (hanging indent for list items); both take columns from `width`.
public enum TextWrapper {
    public static func wrap(_ spans: [StyledSpan], width: Int, prefix: [StyledSpan] = [],
                            indent: Int? = nil, hard: Bool = false) -> [[StyledSpan]] {
        let prefixWidth = DisplayWidth.of(prefix.map(\.text).joined())
        let indent = indent ?? prefixWidth
        let cells = spans.flatMap(Cell.cells)
        let rows = LineWrap.rows(cells.map(\.character), width: width - indent, firstWidth: width - prefixWidth, hard: hard)
        let indentSpan = [StyledSpan(String(repeating: " ", count: indent))]
        return rows.enumerated().map { number, range in
            var row = cells[range]
            if !hard { while row.last?.character == " " { row.removeLast() } }
            return (number == 0 ? prefix : (indent > 0 ? indentSpan : [])) + merge(row)
        }
    }

    /// One character with its style.
    private struct Cell {
        let character: Character
        let style: SpanStyle

        static func cells(_ span: StyledSpan) -> [Cell] {
            span.text.map { Cell(character: $0, style: span.style) }
        }
    }

    private static func merge(_ cells: ArraySlice<Cell>) -> [StyledSpan] {
        var spans: [StyledSpan] = []
        for cell in cells {
            if let last = spans.last, last.style == cell.style {
                spans[spans.count - 1].text.append(cell.character)
            } else {
                spans.append(StyledSpan(String(cell.character), cell.style))
            }
        }
        return spans
    }
}
