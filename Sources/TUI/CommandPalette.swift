/// The Ctrl-P command palette: every `Action`, filtered and ranked as the user types.
///
/// Entries come from `Action.allCases` with their keys from the keymap, so the palette
/// reaches every action, including those without a key. Ranking: a name or title
/// that starts with the query beats one where the query starts a later word, which
/// beats a scattered subsequence; ties go to the shorter name, then to table order.
public struct CommandPalette: Sendable {
    public let entries: [PaletteEntry]
    /// The query and the entries matching it, best first, one highlighted.
    public var list: FilteredList<PaletteEntry>

    public init(keymap: Keymap = .standard) {
        let entries = Action.allCases.map { PaletteEntry(action: $0, keys: keymap.keys(for: .action($0))) }
        self.entries = entries
        list = FilteredList { Self.matches($0, in: entries) }
    }

    /// Entries matching `query` against name or title, best first.
    /// An empty query lists everything in table order.
    public func matches(_ query: String) -> [PaletteEntry] {
        Self.matches(query, in: entries)
    }

    private static func matches(_ query: String, in entries: [PaletteEntry]) -> [PaletteEntry] {
        guard query.contains(where: { !$0.isWhitespace }) else { return entries }
        let ranked = entries.enumerated().compactMap { offset, entry -> (PaletteMatchRank, Int, PaletteEntry)? in
            let ranks = [PaletteMatchRank.of(query, in: entry.name), PaletteMatchRank.of(query, in: entry.title)]
            guard let best = ranks.compactMap({ $0 }).max() else { return nil }
            return (best, offset, entry)
        }
        return ranked.sorted { a, b in
            if a.0 != b.0 { return a.0 > b.0 }
            if a.2.name.count != b.2.name.count { return a.2.name.count < b.2.name.count }
            return a.1 < b.1
        }.map(\.2)
    }
}
