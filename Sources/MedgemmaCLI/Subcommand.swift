/// One `medgemma` subcommand: its name, its help text and how it runs.
public protocol Subcommand {
    /// The word after `medgemma`.
    static var name: String { get }
    /// Other words that run it (an older name kept working).
    static var aliases: [String] { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    /// What the command accepts.
    static var spec: ArgumentSpec { get }
    /// Runs with parsed arguments; returns the exit status.
    static func run(_ args: ParsedArguments) throws -> Int32
}

extension Subcommand {
    static var qualifiedName: String { "medgemma \(name)" }
    public static var aliases: [String] { [] }
}
