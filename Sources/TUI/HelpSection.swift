/// A titled group of help lines: the bindings of one `FocusContext`.
public struct HelpSection: Equatable, Sendable {
    public let context: FocusContext
    public let entries: [HelpEntry]
    public var title: String { context.title }
}
