/// A validated argument from the `:` command line.
public enum CommandArgument: Equatable, Sendable {
    case number(Double)
    case integer(Int)
    case text(String)
    /// A file path with `~` already expanded.
    case path(String)
    case name(String)
}
