/// How one element looks: foreground, background and text attributes.
public struct ThemeStyle: Equatable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    /// Of these, theme files may set bold, italic, dim, underline and reverse.
    public var attributes: TextAttributes

    public init(_ foreground: ThemeColor, on background: ThemeColor = .terminalDefault,
                _ attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's own colours, no attributes.
    public static let plain = ThemeStyle(.terminalDefault)

    /// The attribute names of theme files, in the order they are written back.
    public static let attributeNames: [(name: String, attribute: TextAttributes)] = [
        ("bold", .bold), ("italic", .italic), ("dim", .dim), ("underline", .underline), ("reverse", .reverse),
    ]
}
