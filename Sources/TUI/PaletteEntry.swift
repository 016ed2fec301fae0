/// One action as the command palette lists it, with the keys that also run it.
public struct PaletteEntry: Equatable, Sendable {
    public let action: Action
    /// Keys bound to the action anywhere in the keymap (may be empty).
    public let keys: [Key]

    public var name: String { action.name }
    public var title: String { action.title }
    public var summary: String { action.summary }
    /// The first key, as people name it ("Ctrl-P"), or "" when none.
    public var keyLabel: String { keys.first?.label ?? "" }
    /// What to put in the command line when this entry is chosen and the action needs
    /// an argument: the command name and a space, e.g. ":set-temperature ".
    public var commandLinePrefill: String { ":" + name + " " }
}
