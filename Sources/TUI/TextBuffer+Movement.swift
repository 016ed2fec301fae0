/// Cursor movement, the same in both editors. Every move but Up/Down (and Page Up/Down)
/// forgets the display column those aim for.
extension TextBuffer {
    /// Puts the cursor at a place, clamped into the text.
    public mutating func moveTo(_ position: TextPosition) {
        let line = max(0, min(lines.count - 1, position.line))
        setCursor(TextPosition(line: line, column: max(0, min(lines[line].count, position.column))))
    }

    /// One character left; from the start of a line to the end of the one above.
    public mutating func moveLeft() { setCursor(place(before: cursor) ?? cursor) }
    /// One character right; from the end of a line to the start of the next.
    public mutating func moveRight() { setCursor(place(after: cursor) ?? cursor) }
    /// Home: the start of the line.
    public mutating func moveToLineStart() { setCursor(TextPosition(line: cursor.line, column: 0)) }
    /// End: the end of the line.
    public mutating func moveToLineEnd() { setCursor(TextPosition(line: cursor.line, column: lines[cursor.line].count)) }
    /// The start of the text.
    public mutating func moveToStart() { setCursor(.start) }
    /// The end of the text.
    public mutating func moveToEnd() { setCursor(end) }

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

    /// Whether the cursor is on the first (`up`) or last screen row: where Up or Down
    /// has no row left to go to (rows as `moveVertically` counts them).
    public func isOnEdgeRow(up: Bool) -> Bool {
        let rows = visualRows(width: wrapWidth)
        let current = Self.rowIndex(of: cursor, in: rows)
        return up ? current == 0 : current == rows.count - 1
    }

    /// Up (negative) or down `delta` rows — screen rows when `wrapWidth` is set —
    /// keeping the display column aimed for; past the first row to the start of the
    /// text, past the last to its end.
    public mutating func moveVertically(by delta: Int) {
        let rows = visualRows(width: wrapWidth)
        let current = Self.rowIndex(of: cursor, in: rows)
        let target = max(0, min(rows.count - 1, current + delta))
        guard target != current else { return delta < 0 ? moveToStart() : moveToEnd() }
        let goal = goalColumn ?? displayColumn(of: cursor, in: rows[current])
        setCursor(position(in: rows[target], atDisplayColumn: goal))
        goalColumn = goal
    }

    private mutating func setCursor(_ position: TextPosition) {
        cursor = position
        goalColumn = nil
    }
}
