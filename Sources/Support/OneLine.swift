/// Makes text fit for a one-line error message, a log line or a status bar.
///
/// File names, header strings, server replies and library messages may hold newlines or
/// escape sequences; a message that quotes them would break over several lines or drive
/// the terminal. Every module cleans quoted text here, so every error keeps the same
/// one-line promise. (The TUI's `TerminalSanitizer` is a different job: it makes whole
/// screens of model output safe, escape sequences consumed, newlines optionally kept.)
public enum OneLine {
    /// `text` with its control characters handled as `controls` says, cut to at most
    /// `limit` characters (then ending in "…") when a limit is given.
    public static func clean(_ text: some StringProtocol, controls: Controls = .spaces, limit: Int? = nil) -> String {
        let cleaned: String
        switch controls {
        case .spaces:
            cleaned = replacing(text) { $0.properties.generalCategory == .control ? " " : nil }
        case .questionMarks:
            cleaned = replacing(text) {
                let category = $0.properties.generalCategory
                return category == .control || category == .format ? "?" : nil
            }
        case .escaped:
            cleaned = escaped(text)
        case .joinedLines:
            cleaned = joinedLines(text)
        }
        guard let limit else { return cleaned }
        return shortened(cleaned, to: limit)
    }

    /// `text` itself when it has at most `limit` characters, else its first `limit`
    /// characters and "…" (names quoted in a message, where the whole name is not needed).
    public static func shortened(_ text: some StringProtocol, to limit: Int) -> String {
        text.count <= limit ? String(text) : String(text.prefix(limit)) + "…"
    }

    private static func replacing(_ text: some StringProtocol, _ replacement: (Unicode.Scalar) -> Unicode.Scalar?) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { replacement($0) ?? $0 }))
    }

    private static func escaped(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return String(text) }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func joinedLines(_ text: some StringProtocol) -> String {
        String(text).split(whereSeparator: \.isNewline)
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

private extension Substring {
    /// Without spaces and tabs (and other Unicode space separators) at either end, as
    /// Foundation's `trimmingCharacters(in: .whitespaces)` would, without Foundation.
    func trimmingWhitespace() -> Substring {
        func isBlank(_ c: Character) -> Bool {
            c.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        }
        var s = self
        while let first = s.first, isBlank(first) { s = s.dropFirst() }
        while let last = s.last, isBlank(last) { s = s.dropLast() }
        return s
    }
}
