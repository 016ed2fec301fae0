import Support

/// Checks the steps between sorted slice locations: the usual spacing (their median),
/// gaps (a step over 1.5× the usual one, where slices are missing) and duplicates
/// (two slices at the same place, e.g. a series exported twice or a repeated
/// acquisition). A volume with either is not evenly sampled, which a reader — and any
/// measurement or "slice N of M" — must know.
struct SeriesSpacingCheck {
    /// Steps at most this long (mm) count as the same position.
    static let duplicateTolerance = 0.01
    /// A step longer than this many usual spacings is a gap.
    static let gapFactor = 1.5

    let spacing: Double?
    let notes: [String]

    /// `locations`: sorted ascending, in mm along the slice normal.
    init(locations: [Double]) {
        let steps = zip(locations, locations.dropFirst()).map { $1 - $0 }
        let duplicates = steps.indices.filter { steps[$0] <= Self.duplicateTolerance }
        let real = steps.filter { $0 > Self.duplicateTolerance }.sorted()
        let median: Double? = real.isEmpty ? nil
            : real.count % 2 == 1 ? real[real.count / 2] : (real[real.count / 2 - 1] + real[real.count / 2]) / 2
        var notes: [String] = []
        if !duplicates.isEmpty {
            let pairs = duplicates.prefix(3).map { "\($0 + 1) and \($0 + 2)" }.joined(separator: ", ")
            let more = duplicates.count > 3 ? " and \(duplicates.count - 3) more" : ""
            notes.append(duplicates.count == 1 ? "duplicate position: slices \(pairs)"
                         : "\(duplicates.count) duplicate positions: slices \(pairs)\(more)")
        }
        if let median {
            let gaps = steps.indices.filter { steps[$0] > Self.gapFactor * median }
            if !gaps.isEmpty {
                let largest = gaps.map { steps[$0] }.max() ?? 0
                let after = gaps.prefix(3).map { String($0 + 1) }.joined(separator: ", ")
                let more = gaps.count > 3 ? " and \(gaps.count - 3) more" : ""
                notes.append(gaps.count == 1
                    ? "gap after slice \(after): \(Self.mm(largest)) where slices are \(Self.mm(median)) apart"
                    : "\(gaps.count) gaps after slices \(after)\(more): up to \(Self.mm(largest)) where slices are \(Self.mm(median)) apart")
            }
        }
        spacing = median
        self.notes = notes
    }

    /// "2.5 mm": up to three decimals, trailing zeros dropped.
    static func mm(_ value: Double) -> String { Format.trimmed(value, 3) + " mm" }
}
