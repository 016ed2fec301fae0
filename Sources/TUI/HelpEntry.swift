/// One line of the help overlay: the keys that do one thing, and what it is.
public struct HelpEntry: Equatable, Sendable {
    /// The keys, in keymap order.
    public let keys: [Key]
    public let command: KeyCommand
    /// The keys as people name them, e.g. "Esc, Ctrl-C".
    public var keyLabel: String { keys.map(\.label).joined(separator: ", ") }
    /// What they do.
    public var summary: String { command.summary }
}
