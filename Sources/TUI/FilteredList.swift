/// A list filtered as the user types, with one highlighted entry: the part the command
/// palette and the study browser share, so both overlays select, wrap round and take
/// their query keys the same way.
///
/// `filter` decides what matches and in which order (the palette ranks, the browser
/// keeps library order); the list only keeps the results and the highlight in step.
public struct FilteredList<Item: Sendable>: Sendable {
    /// What has been typed; setting it re-filters and highlights the first result.
    public var query: String = "" {
        didSet { results = filter(query); selectedIndex = 0 }
    }
    /// The items matching `query`, in the filter's order.
    public private(set) var results: [Item]
    /// Index into `results` of the highlighted item.
    public private(set) var selectedIndex = 0

    private let filter: @Sendable (String) -> [Item]

    /// A list showing `filter("")` to start with.
    public init(filter: @escaping @Sendable (String) -> [Item]) {
        self.filter = filter
        results = filter("")
    }

    /// The highlighted item, nil when nothing matches.
    public var selected: Item? {
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

    /// The keys every filtered overlay shares: ↑ and ↓ (or Tab) move the highlight,
    /// a character extends the query and Backspace shortens it. False for any other
    /// key, which the overlay handles itself (Enter, Esc…).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .up: selectPrevious()
        case .down, .tab: selectNext()
        case .backspace: if !query.isEmpty { query.removeLast() }
        case .character(let character): query.append(character)
        default: return false
        }
        return true
    }
}
