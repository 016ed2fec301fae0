/// The Ctrl-P command palette: every `Action`, filtered and ranked as the user types.
///
/// Entries come from `Action.allCases` with their keys from the keymap, so the palette
/// reaches every action, including those without a key. Ranking: a name or title
/// that starts with the query beats one where the query starts a later word, which
/// beats a scattered subsequence; ties go to the shorter name, then to table order.
public struct CommandPalette: Sendable {
    public let entries: [PaletteEntry]
    /// What has been typed; setting it re-filters and selects the best match.
    public var query: String = "" {
        didSet { results = matches(query); selectedIndex = 0 }
    }
    /// Entries matching `query`, best first.
    public private(set) var results: [PaletteEntry]
    /// Index into `results` of the highlighted entry.
    public private(set) var selectedIndex = 0

    public init(keymap: Keymap = .standard) {
        entries = Action.allCases.map { PaletteEntry(action: $0, keys: keymap.keys(for: .action($0))) }
        results = entries
    }

    /// The highlighted entry, nil when nothing matches.
    public var selected: PaletteEntry? {
        results.indices.contains(selectedIndex) ? results[selectedIndex] : nil
    }

    /// Moves the highlight down (wrapping round).
    public mutating func selectNext() {
        guard !results.isEmpty else { return }
        selectedIndex = (selectedIndex + 1) % results.count
    }

    /// Moves the highlight up (wrapping round).
    public mutating func selectPrevious() {
        guard !results.isEmpty else { return }
        selectedIndex = (selectedIndex + results.count - 1) % results.count
    }

    /// Entries matching `query` against name or title, best first.
    /// An empty query lists everything in table order.
    public func matches(_ query: String) -> [PaletteEntry] {
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
