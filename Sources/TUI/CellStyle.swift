/// What `Window.put(_:row:column:style:)` draws with: attributes and an ncurses colour
/// pair (0: the terminal's default colours). Made by `ColorPairs` for each element.
public struct CellStyle: Equatable, Sendable {
    public var attributes: TextAttributes
    public var pair: Int32

    public init(attributes: TextAttributes = [], pair: Int32 = 0) {
        self.attributes = attributes
        self.pair = pair
    }

    /// Default colours, no attributes.
    public static let plain = CellStyle()

    /// The same colours with more attributes (bold inline text in a reply…).
    public func adding(_ extra: TextAttributes) -> CellStyle {
        CellStyle(attributes: attributes.union(extra), pair: pair)
    }
}
