import Support

/// Why a theme could not be used. Each is one line, fit for the status bar, and names
/// the file and line where there is one: `Themes/x.theme:7: unknown colour 'bleu'`.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read (missing, a directory, no permission…).
    case unreadable(file: String, reason: String)
    /// Larger than `ThemeParser.maximumBytes`: not a theme, and not read whole.
    case tooLarge(file: String, limit: Int)
    /// Not UTF-8 text.
    case notText(file: String)
    /// A line that is not a valid definition; `message` says what is wrong with it.
    case invalidLine(file: String, line: Int, message: String)
    /// The file never defines `text`, which every other element falls back to.
    case missingText(file: String)
    /// No theme of that name in any theme directory.
    case notFound(name: String, available: [String])
    /// A name that could not be a theme file's (path separators, control characters…).
    case invalidName(String)

    public var description: String { message(naming: { $0 }) }

    /// The same with the file's name instead of its whole path, for a status bar (the
    /// folders themes come from are documented; the line and the problem are what matter).
    public var shortDescription: String {
        message(naming: { String($0.split(separator: "/").last ?? Substring($0)) })
    }

    private func message(naming show: (String) -> String) -> String {
        switch self {
        case .unreadable(let file, let reason): "\(show(file)): cannot read the theme (\(reason))"
        case .tooLarge(let file, let limit): "\(show(file)): larger than \(limit / 1024) KiB, not a theme"
        case .notText(let file): "\(show(file)): not UTF-8 text"
        case .invalidLine(let file, let line, let message): "\(show(file)):\(line): \(message)"
        case .missingText(let file): "\(show(file)): 'text' is not defined (every theme needs it)"
        case .notFound(let name, let available):
            "unknown theme \(Self.quoted(name)) (available: \(available.joined(separator: ", ")))"
        case .invalidName(let name): "\(Self.quoted(name)) is not a theme name"
        }
    }

    /// User input quoted for a one-line message: control characters shown as `?`,
    /// long words cut, so a hostile file cannot garble the status bar.
    static func quoted(_ word: some StringProtocol) -> String {
        "'\(OneLine.clean(word, controls: .questionMarks, limit: 40))'"
    }
}
