/// Breaks styled text into screen rows by display width.
///
/// Word wrap breaks after spaces, and before and after any two-column character (CJK
/// text has no spaces and may break between any two ideographs; emoji are treated
/// alike). A word longer than the row is broken hard. Spaces at a break are dropped.
/// A two-column character never straddles the edge: it moves whole to the next row.
/// Hard wrap (code blocks) keeps every space and breaks only at the edge.
///
/// `prefix` is drawn before the first row and `indent` blank columns before the
/// others (hanging indent for list items); both take columns from `width`.
public enum TextWrapper {
    public static func wrap(_ spans: [StyledSpan], width: Int, prefix: [StyledSpan] = [],
                            indent: Int? = nil, hard: Bool = false) -> [[StyledSpan]] {
        let prefixWidth = DisplayWidth.of(prefix.map(\.text).joined())
        let indent = indent ?? prefixWidth
        var rows: [[Cell]] = []
        var current: [Cell] = []
        var used = 0
        /// Index in `current` where the row may be broken (the rest moves down).
        var breakIndex: Int?

        func available() -> Int { max(1, width - (rows.isEmpty ? prefixWidth : indent)) }
        func endRow(at split: Int) {
            var row = Array(current[..<split])
            var rest = Array(current[split...])
            if !hard {
                while row.last?.character == " " { row.removeLast() }
                while rest.first?.character == " " { rest.removeFirst() }
            }
            rows.append(row)
            current = rest
            used = rest.reduce(0) { $0 + $1.width }
            breakIndex = nil
        }

        /// The number of cells of `current` that fit in `columns` (at least one).
        func prefixFitting(_ columns: Int) -> Int {
            var total = 0
            for (offset, cell) in current.enumerated() {
                total += cell.width
                if total > columns { return max(1, offset) }
            }
            return current.count
        }

        for cell in spans.flatMap(Cell.cells) {
            if !hard, cell.character == " " {
                if current.isEmpty && !rows.isEmpty { continue }  // no leading space after a break
                current.append(cell)
                used += cell.width
                breakIndex = current.count
                continue
            }
            if !hard, cell.width == 2 { breakIndex = current.count }
            if used + cell.width > available(), !current.isEmpty {
                if let split = breakIndex, split > 0, !hard {
                    endRow(at: split)
                } else {
                    endRow(at: current.count)
                }
                // The moved-down tail may still be too long for the new row.
                while used + cell.width > available(), !current.isEmpty {
                    endRow(at: prefixFitting(available()))
                }
            }
            current.append(cell)
            used += cell.width
            if !hard, cell.width == 2 { breakIndex = current.count }
        }
        if !current.isEmpty || rows.isEmpty { endRow(at: current.count) }

        let indentSpan = [StyledSpan(String(repeating: " ", count: indent))]
        return rows.enumerated().map { number, row in
            (number == 0 ? prefix : (indent > 0 ? indentSpan : [])) + merge(row)
        }

    }

    /// One character with its style and columns.
    private struct Cell {
        let character: Character
        let style: SpanStyle
        let width: Int

        static func cells(_ span: StyledSpan) -> [Cell] {
            span.text.map { Cell(character: $0, style: span.style, width: DisplayWidth.of($0)) }
        }
    }

    private static func merge(_ cells: [Cell]) -> [StyledSpan] {
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
