/// The option a generated answer names, as a 0-based index, for questions whose options
/// are lettered A, B, C… (`optionCount` of them, at most 26).
///
/// The rule, in order; the first that finds a letter IN RANGE wins, and a letter out of
/// range (E with four options) is passed over, the search going on:
///
/// 1. After the word "answer" (any case, a whole word: not "answers"), then optionally
///    "is", then any of `:` `-` `*` and spaces, optionally the word "option", then any of
///    `*` `(` `[` and spaces (newlines included): "Answer: B", "The answer is B.",
///    "The correct answer is (C) Aorta", "answer is: D", "**Answer:** B",
///    "The answer is option B". An upper-case letter counts when no letter or digit
///    follows it ("Answer: Bronchiectasis" is not B). A lower-case letter counts only when
///    the text ends after it or a newline or one of `. ) ] : * , ;` follows it —
///    "answer: c" is C, but "the answer is a pneumothorax" is the article, not A. Every
///    occurrence of "answer" is tried, in order.
/// 2. Else at the start of a line (the first line first; leading spaces and the markdown
///    marks `*` `_` `#` `>` `` ` `` skipped, then optionally `(` or `[` and the word
///    "option"): an upper-case letter followed by the end of the line or one of
///    `. ) ] : * _ ` ,` — "B", "B.", "B)", "(B)", "**B**", "**B.**", "A. The aorta".
///    Never a letter followed by a space: "A 45-year-old man…" is the article, "I think…"
///    the pronoun. A lower-case letter counts here only when it is the whole line but for
///    those marks and `.` `)` `]` ("c", "(c)", "c.").
///    When such lines name two or more different letters the answer is a list of the
///    options (a base model repeating the question does this), not a choice: no letter.
/// 3. Else nil: the answer names no option.
public enum AnswerLetter {
    public static func parse(_ text: String, optionCount: Int) -> Int? {
        let count = min(optionCount, 26)
        guard count >= 1 else { return nil }
        let chars = Array(text)
        return afterAnswerWord(chars, count) ?? atLineStart(chars, count)
    }

    // MARK: Rule 1

    private static func afterAnswerWord(_ c: [Character], _ count: Int) -> Int? {
        var i = 0
        while let found = word("answer", in: c, from: i) {
            i = found + 1
            var j = found + "answer".count
            j = skip(c, j, " \t\n\r*")
            if let end = wordEnd("is", c, j) { j = end }
            j = skip(c, j, " \t\n\r:-*")
            if let end = wordEnd("option", c, j) { j = end }
            j = skip(c, j, " \t\n\r*([")
            guard j < c.count, let index = letterIndex(c[j], count) else { continue }
            let next = j + 1 < c.count ? c[j + 1] : nil
            if c[j].isUppercase {
                if next.map({ !$0.isLetter && !$0.isNumber }) ?? true { return index }
            } else if next.map({ $0.isNewline || ".)]:*,;".contains($0) }) ?? true {
                return index
            }
        }
        return nil
    }

    /// The position of the first whole-word, any-case `target` at or after `start`.
    private static func word(_ target: String, in c: [Character], from start: Int) -> Int? {
        var i = start
        while i < c.count {
            if wordEnd(target, c, i) != nil, i == 0 || !c[i - 1].isLetter { return i }
            i += 1
        }
        return nil
    }

    /// Where `target` (any case, a whole word) ends when it starts at `i`.
    private static func wordEnd(_ target: String, _ c: [Character], _ i: Int) -> Int? {
        let t = Array(target)
        guard i + t.count <= c.count else { return nil }
        for k in t.indices where c[i + k].lowercased() != String(t[k]) { return nil }
        let end = i + t.count
        return end < c.count && c[end].isLetter ? nil : end
    }

    private static func skip(_ c: [Character], _ start: Int, _ set: String) -> Int {
        var j = start
        while j < c.count, set.contains(c[j]) { j += 1 }
        return j
    }

    // MARK: Rule 2

    private static func atLineStart(_ c: [Character], _ count: Int) -> Int? {
        let marked = c.split(whereSeparator: \.isNewline).compactMap { lineStartLetter(Array($0), count) }
        return Set(marked).count == 1 ? marked.first : nil
    }

    /// The option letter a line starts with (rule 2), if any.
    private static func lineStartLetter(_ l: [Character], _ count: Int) -> Int? {
        var j = skip(l, 0, " \t*_#>`")
        j = skip(l, j, "([")
        if let end = wordEnd("option", l, j) { j = skip(l, end, " \t") }
        guard j < l.count, let index = letterIndex(l[j], count) else { return nil }
        let rest = l[(j + 1)...]
        if l[j].isUppercase {
            return rest.first.map({ ".)]:*_`,".contains($0) }) ?? true ? index : nil
        }
        return rest.allSatisfy({ " \t*_`.)]".contains($0) }) ? index : nil
    }

    /// 0-based index of an ASCII letter among the first `count`, either case.
    private static func letterIndex(_ ch: Character, _ count: Int) -> Int? {
        guard let ascii = ch.asciiValue else { return nil }
        let index: Int
        switch ascii {
        case 65...90: index = Int(ascii) - 65
        case 97...122: index = Int(ascii) - 97
        default: return nil
        }
        return index < count ? index : nil
    }
}
