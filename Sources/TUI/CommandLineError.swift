/// Why a `:` command line was not run; `description` is the one line shown in the
/// status bar.
public enum CommandLineError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty
    case unknownCommand(String)
    case unknownSetting(String)
    /// `command` is what the user typed (":set temperature"), for the message.
    case missingArgument(command: String, ActionArgument)
    case badArgument(command: String, value: String, ActionArgument)
    case unexpectedArgument(command: String, value: String)
    case unterminatedQuote
    case textAfterQuote(String)

    public var description: String {
        switch self {
        case .empty:
            return "type a command after ':' (try :help)"
        case .unknownCommand(let name):
            return "unknown command '\(Self.shown(name))' (try :help)"
        case .unknownSetting(let name):
            return "unknown setting '\(Self.shown(name))' (try temperature, max-tokens, system-prompt, model or theme)"
        case .missingArgument(let command, let argument):
            return "'\(command)' needs \(argument.expectation), e.g. \(command) \(argument.placeholder)"
        case .badArgument(let command, let value, let argument):
            return "'\(command)' needs \(argument.expectation), not '\(Self.shown(value))'"
        case .unexpectedArgument(let command, let value):
            return "'\(command)' takes no argument (got '\(Self.shown(value))')"
        case .unterminatedQuote:
            return "missing closing quote"
        case .textAfterQuote(let text):
            return "unexpected '\(Self.shown(text))' after the closing quote"
        }
    }

    /// User text in a message: one line, not too long.
    private static func shown(_ text: String) -> String {
        let line = TerminalSanitizer.singleLine.sanitize(text)
        return line.count > 40 ? String(line.prefix(39)) + "…" : line
    }
}
