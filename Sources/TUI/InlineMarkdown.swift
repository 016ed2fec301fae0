/// Inline Markdown inside one line: `**bold**`, `*italic*`, `_italic_` and
/// `` `code` ``, plus `\` escapes.
///
/// A marker without its partner stays literal text, so a reply that is still
/// streaming (`**Find`) shows what has arrived and takes its style once the closing
/// marker comes. `_` only counts at word edges, so `snake_case_names` stay plain.
public enum InlineMarkdown {
    public static func spans(_ text: String, style base: SpanStyle = []) -> [StyledSpan] {
        var spans: [StyledSpan] = []
        parse(Array(text), base: base, into: &spans)
        return spans
    }

    private static func parse(_ characters: [Character], base: SpanStyle, into spans: inout [StyledSpan]) {
        var index = 0
        var plain = ""
        func flush() {
            if !plain.isEmpty { append(StyledSpan(plain, base), to: &spans) }
            plain = ""
        }
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "\\", let next, "\\`*_#-+.!()[]".contains(next) {
                plain.append(next)
                index += 2
                continue
            }
            if character == "`", let close = find("`", in: characters, from: index + 1), close > index + 1 {
                flush()
                append(StyledSpan(String(characters[index + 1..<close]), base.union(.code)), to: &spans)
                index = close + 1
                continue
            }
            if character == "*", next == "*", index + 2 < characters.count, !characters[index + 2].isWhitespace,
               let close = closing("**", in: characters, from: index + 2) {
                flush()
                parse(Array(characters[index + 2..<close]), base: base.union(.bold), into: &spans)
                index = close + 2
                continue
            }
            if character == "*" || character == "_", next != character,
               opensEmphasis(characters, at: index),
               let close = closing(String(character), in: characters, from: index + 1) {
                flush()
                parse(Array(characters[index + 1..<close]), base: base.union(.italic), into: &spans)
                index = close + 1
                continue
            }
            plain.append(character)
            index += 1
        }
        flush()
    }

    /// An emphasis opener is followed by a non-space; `_` must also not follow a letter.
    private static func opensEmphasis(_ characters: [Character], at index: Int) -> Bool {
        guard index + 1 < characters.count, !characters[index + 1].isWhitespace else { return false }
        if characters[index] == "_", index > 0, isWordCharacter(characters[index - 1]) { return false }
        return true
    }

    /// Where `marker` closes: preceded by a non-space, not directly at the opener, and
    /// for `_` not followed by a letter. For a single `*`, a `**` is skipped over.
    private static func closing(_ marker: String, in characters: [Character], from start: Int) -> Int? {
        let symbols = Array(marker)
        var index = start + 1
        while index + symbols.count <= characters.count {
            if Array(characters[index..<index + symbols.count]) == symbols, !characters[index - 1].isWhitespace {
                let after = index + symbols.count < characters.count ? characters[index + symbols.count] : nil
                if symbols == ["*"], after == "*" { index += 2; continue }
                if symbols == ["_"], let after, isWordCharacter(after) { index += 1; continue }
                return index
            }
            index += 1
        }
        return nil
    }

    private static func find(_ symbol: Character, in characters: [Character], from start: Int) -> Int? {
        characters[start...].firstIndex(of: symbol)
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }

    /// Appends, merging with the previous span when the style is the same.
    private static func append(_ span: StyledSpan, to spans: inout [StyledSpan]) {
        guard !span.text.isEmpty else { return }
        if let last = spans.last, last.style == span.style {
            spans[spans.count - 1].text += span.text
        } else {
            spans.append(span)
        }
    }
}
