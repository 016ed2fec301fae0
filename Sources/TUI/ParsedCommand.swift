/// A command line that parsed: the action to run and its validated argument.
public struct ParsedCommand: Equatable, Sendable {
    public let action: Action
    /// Nil for actions without an argument, or an optional one left out.
    public let argument: CommandArgument?

    public init(action: Action, argument: CommandArgument? = nil) {
        self.action = action
        self.argument = argument
    }
}
