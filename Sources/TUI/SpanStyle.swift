/// What a piece of transcript text is, not how it looks: the pane maps each style to
/// attributes and theme colours (`textAttributes` is the plain, colourless mapping).
public struct SpanStyle: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let bold = SpanStyle(rawValue: 1 << 0)
    public static let italic = SpanStyle(rawValue: 1 << 1)
    /// Inline `code`.
    public static let code = SpanStyle(rawValue: 1 << 2)
    /// A line of a fenced code block.
    public static let codeBlock = SpanStyle(rawValue: 1 << 3)
    /// A `#`/`##` heading (also bold).
    public static let heading = SpanStyle(rawValue: 1 << 4)
    /// A list bullet or number.
    public static let listMarker = SpanStyle(rawValue: 1 << 5)
    /// The "You" / model name line above an entry.
    public static let userLabel = SpanStyle(rawValue: 1 << 6)
    public static let modelLabel = SpanStyle(rawValue: 1 << 7)
    /// A system note (model switched, image loaded…).
    public static let note = SpanStyle(rawValue: 1 << 8)
    /// The speed line under a reply.
    public static let timing = SpanStyle(rawValue: 1 << 9)
    /// The "incomplete" marker of a reply that was cancelled or cut off.
    public static let warning = SpanStyle(rawValue: 1 << 10)

    /// Attributes for a terminal without a theme.
    public var textAttributes: TextAttributes {
        var attributes: TextAttributes = []
        if !isDisjoint(with: [.bold, .heading, .userLabel, .modelLabel, .warning]) { attributes.insert(.bold) }
        if !isDisjoint(with: [.italic, .note]) { attributes.insert(.italic) }
        if !isDisjoint(with: [.timing, .note, .listMarker]) { attributes.insert(.dim) }
        if !isDisjoint(with: [.code, .codeBlock]) { attributes.insert(.reverse) }
        return attributes
    }
}
