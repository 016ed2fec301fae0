/// A command line the user got wrong: printed as one line, exit status 2.
public struct UsageError: Error, CustomStringConvertible {
    public let command: String
    public let message: String

    public init(command: String, _ message: String) {
        self.command = command
        self.message = message
    }

    public var description: String {
        "\(command): \(message) (see '\(command) --help')"
    }
}
