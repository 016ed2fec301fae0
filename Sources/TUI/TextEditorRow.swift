/// One screen row of soft-wrapped text: characters `start..<end` of line `line`.
///
/// `endsLine` marks the last row of a line: only there may the cursor stand at `end`
/// (elsewhere that place is drawn at the start of the next row).
public struct TextEditorRow: Equatable, Sendable {
    public let line: Int
    public let start: Int
    public let end: Int
    public let endsLine: Bool

    public init(line: Int, start: Int, end: Int, endsLine: Bool) {
        self.line = line
        self.start = start
        self.end = end
        self.endsLine = endsLine
    }

    /// Whether the cursor at `position` is drawn on this row.
    public func contains(_ position: TextPosition) -> Bool {
        position.line == line && position.column >= start && (position.column < end || (endsLine && position.column == end))
    }
}
