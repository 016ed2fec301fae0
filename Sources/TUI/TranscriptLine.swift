/// One screen row of the laid-out transcript.
public struct TranscriptLine: Equatable, Sendable {
    public var spans: [StyledSpan]
    /// The entry this row belongs to (index into `TranscriptLayout.entries`).
    public var entryIndex: Int

    public init(spans: [StyledSpan], entryIndex: Int) {
        self.spans = spans
        self.entryIndex = entryIndex
    }

    /// The row's text without styles.
    public var text: String { spans.map(\.text).joined() }
}
