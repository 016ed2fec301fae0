/// Parses what is typed after `:` into an action and its argument.
///
/// Accepted forms: every action name (`:new-chat`, `:set-temperature 0.7`), the
/// `:set SETTING VALUE` form (`:set temperature 0.7`, also `temperature=0.7`), and
/// short aliases (`:load`, `:export`, `:model`, `:q`). Paths and text take the rest of
/// the line, so `:load /path/with spaces.png` needs no quotes; quotes ('…' or "…",
/// with `\"` and `\\` inside double quotes) work too. Numbers are checked against the
/// action's range here, so the caller only ever sees valid values.
public struct CommandLineParser: Sendable {
    /// Replaces a leading `~` in paths; nil leaves paths as typed.
    public var homeDirectory: String?

    public init(homeDirectory: String? = nil) {
        self.homeDirectory = homeDirectory
    }

    /// Short names people type, besides the full action names.
    public static let aliases: [String: Action] = [
        "load": .loadImage, "open": .loadImage, "image": .loadImage,
        "export": .exportTranscript, "model": .switchModel,
        "new": .newChat, "regen": .regenerate, "save": .saveReport, "report": .openReport,
        "studies": .openStudies, "q": .quit, "exit": .quit, "h": .help,
        "temperature": .setTemperature, "max-tokens": .setMaxTokens, "system-prompt": .setSystemPrompt,
    ]

    /// Settings reachable through `:set NAME VALUE`.
    public static let settings: [String: Action] = [
        "temperature": .setTemperature, "temp": .setTemperature,
        "max-tokens": .setMaxTokens, "maxtokens": .setMaxTokens, "tokens": .setMaxTokens,
        "system-prompt": .setSystemPrompt, "system": .setSystemPrompt, "prompt": .setSystemPrompt,
        "model": .switchModel, "theme": .theme,
    ]

    public func parse(_ line: String) throws(CommandLineError) -> ParsedCommand {
        var rest = Substring(line).drop { $0.isWhitespace }
        if rest.first == ":" { rest = rest.dropFirst() }
        guard let word = Self.takeWord(&rest) else { throw .empty }
        let name = word.lowercased()
        var typed = ":" + name
        let action: Action
        if name == "set" {
            guard var setting = Self.takeWord(&rest) else { throw .unknownSetting("") }
            if let equals = setting.firstIndex(of: "=") {
                rest = setting[setting.index(after: equals)...] + " " + rest
                setting = setting[..<equals]
            }
            guard let found = Self.settings[setting.lowercased()] else { throw .unknownSetting(String(setting)) }
            action = found
            typed += " " + setting.lowercased()
        } else if let found = Action(rawValue: name) ?? Self.aliases[name] {
            action = found
        } else {
            throw .unknownCommand(String(word))
        }
        let value = rest.trimmingWhitespace()
        guard let argument = action.argument else {
            guard value.isEmpty else { throw .unexpectedArgument(command: typed, value: String(value)) }
            return ParsedCommand(action: action)
        }
        guard !value.isEmpty else {
            if argument.isOptional { return ParsedCommand(action: action) }
            throw .missingArgument(command: typed, argument)
        }
        return ParsedCommand(action: action, argument: try convert(value, to: argument, command: typed))
    }

    private func convert(_ raw: Substring, to argument: ActionArgument,
                         command: String) throws(CommandLineError) -> CommandArgument {
        let bad = CommandLineError.badArgument(command: command, value: String(raw), argument)
        switch argument.kind {
        case .text:
            return .text(try Self.unquoted(raw))
        case .path:
            return .path(expandingHome(try Self.unquoted(raw)))
        case .name:
            let value = try Self.unquoted(raw)
            guard !value.contains(where: \.isWhitespace) else { throw bad }
            return .name(value)
        case .number(let range):
            guard let value = Double(raw), value.isFinite, range.contains(value) else { throw bad }
            return .number(value)
        case .integer(let range):
            guard let value = Int(raw), range.contains(value) else { throw bad }
            return .integer(value)
        }
    }

    private func expandingHome(_ path: String) -> String {
        guard let home = homeDirectory, path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }

    /// The first whitespace-separated word, removed from `text`; nil when none is left.
    private static func takeWord(_ text: inout Substring) -> Substring? {
        text = text.drop { $0.isWhitespace }
        guard !text.isEmpty else { return nil }
        let end = text.firstIndex { $0.isWhitespace } ?? text.endIndex
        defer { text = text[end...] }
        return text[..<end]
    }

    /// The value with surrounding quotes removed (and `\"`, `\\` inside double quotes);
    /// an unquoted value is returned as typed. Text after a closing quote is an error.
    private static func unquoted(_ value: Substring) throws(CommandLineError) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'" else { return String(value) }
        var result = ""
        var escaping = false
        var index = value.index(after: value.startIndex)
        while index < value.endIndex {
            let character = value[index]
            index = value.index(after: index)
            if escaping {
                result.append(character)
                escaping = false
            } else if character == "\\" && quote == "\"" {
                escaping = true
            } else if character == quote {
                let after = value[index...].drop { $0.isWhitespace }
                guard after.isEmpty else { throw .textAfterQuote(String(after)) }
                return result
            } else {
                result.append(character)
            }
        }
        throw .unterminatedQuote
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        return self[first...last]
    }
}
