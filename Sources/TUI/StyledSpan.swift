/// A run of text in one style; a screen line is a list of these.
public struct StyledSpan: Equatable, Sendable {
    public var text: String
    public var style: SpanStyle

    public init(_ text: String, _ style: SpanStyle = []) {
        self.text = text
        self.style = style
    }
}
