/// One source line of a reply, classified as the light Markdown the transcript
/// renders: headings, list items, fenced code, paragraphs.
///
/// Lines are not joined into paragraphs: models use single newlines deliberately, and
/// keeping lines apart means appending a token only ever changes the last line.
public enum MarkdownLine: Equatable, Sendable {
    case blank
    /// `#` … `######` heading; the text without the hashes.
    case heading(level: Int, text: String)
    /// A `-`, `*`, `+` or `1.`/`1)` list item. `indent` is the leading spaces,
    /// `marker` what is drawn ("•" for bullets, the number as written otherwise).
    case listItem(indent: Int, marker: String, text: String)
    /// A ``` or ~~~ fence line (opening or closing); `info` is the language tag.
    case fence(info: String)
    /// A line inside a fenced block, verbatim.
    case code(String)
    case paragraph(String)

    /// Classifies lines, tracking whether they are inside a fenced block. An
    /// unclosed fence (a reply still streaming) runs to the end.
    public static func parse(_ lines: [Substring]) -> [MarkdownLine] {
        var openFence: Substring?
        return lines.map { line in
            let trimmed = line.drop { $0 == " " }
            let indent = line.count - trimmed.count
            if let fence = openFence {
                if indent < 4, trimmed.hasPrefix(fence), trimmed.dropFirst(fence.count).allSatisfy({ $0 == fence.first || $0 == " " }) {
                    openFence = nil
                    return .fence(info: "")
                }
                return .code(String(line))
            }
            if indent < 4, let marker = fenceMarker(trimmed) {
                openFence = marker
                return .fence(info: trimmed.dropFirst(marker.count).trimmingCharacters())
            }
            return classify(line: line, trimmed: trimmed, indent: indent)
        }
    }

    private static func classify(line: Substring, trimmed: Substring, indent: Int) -> MarkdownLine {
        if trimmed.allSatisfy(\.isWhitespace) { return .blank }
        if indent < 4, trimmed.first == "#" {
            let hashes = trimmed.prefix { $0 == "#" }
            let rest = trimmed.dropFirst(hashes.count)
            if hashes.count <= 6, rest.isEmpty || rest.first == " " {
                return .heading(level: hashes.count, text: rest.trimmingCharacters())
            }
        }
        if let first = trimmed.first, "-*+".contains(first), trimmed.dropFirst().first == " " {
            // "* * *" and "---" style rules are rare in replies; treated as text.
            return .listItem(indent: indent, marker: "•", text: trimmed.dropFirst(2).trimmingCharacters())
        }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        if (1...9).contains(digits.count) {
            let rest = trimmed.dropFirst(digits.count)
            if let delimiter = rest.first, delimiter == "." || delimiter == ")", rest.dropFirst().first == " " {
                return .listItem(indent: indent, marker: String(digits) + String(delimiter),
                                 text: rest.dropFirst(2).trimmingCharacters())
            }
        }
        return .paragraph(String(line))
    }

    /// "```" or "~~~" (three or more) at the start of a line, nil otherwise.
    private static func fenceMarker(_ line: Substring) -> Substring? {
        for symbol: Character in ["`", "~"] {
            let run = line.prefix { $0 == symbol }
            if run.count >= 3 { return run }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
