/// One row of the keymap: in this context, this key does that.
public struct KeyBinding: Hashable, Sendable {
    public let key: Key
    public let context: FocusContext
    public let command: KeyCommand

    public init(_ key: Key, _ context: FocusContext, _ command: KeyCommand) {
        self.key = key
        self.context = context
        self.command = command
    }
}
