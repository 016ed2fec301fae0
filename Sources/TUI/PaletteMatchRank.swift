/// How well a palette query matches an entry; better ranks are listed first.
public enum PaletteMatchRank: Int, Comparable, Sendable {
    /// The query's letters appear in order somewhere ("tmp" in "set-temperature").
    case subsequence = 1
    /// The query starts a later word ("tok" in "set-max-tokens"), or its letters are
    /// the initials of words in order ("et" for "export-transcript").
    case wordStart = 2
    /// The name or title starts with the query ("reg" in "regenerate").
    case prefix = 3

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The rank of `query` against `candidate`, nil when it does not match at all.
    /// Case-insensitive; `-`, `_`, `/` and spaces all count as word separators, so
    /// "set temp" matches "set-temperature" as a prefix.
    public static func of(_ query: String, in candidate: String) -> PaletteMatchRank? {
        let query = normalized(query)
        let candidate = normalized(candidate)
        if query.isEmpty { return .prefix }
        if candidate.hasPrefix(query) { return .prefix }
        let words = candidate.split(separator: " ")
        if words.dropFirst().contains(where: { $0.hasPrefix(query) }) { return .wordStart }
        let letters = query.filter { $0 != " " }
        if isSubsequence(letters, of: String(words.map { $0.first! })) { return .wordStart }
        if isSubsequence(letters, of: candidate.filter { $0 != " " }) { return .subsequence }
        return nil
    }

    private static func normalized(_ text: String) -> String {
        let spaced = text.lowercased().map { "-_/".contains($0) ? " " : $0 }
        return String(spaced).split(separator: " ").joined(separator: " ")
    }

    private static func isSubsequence(_ needle: String, of haystack: String) -> Bool {
        var remaining = needle[...]
        for character in haystack where character == remaining.first {
            remaining = remaining.dropFirst()
            if remaining.isEmpty { return true }
        }
        return remaining.isEmpty
    }
}
