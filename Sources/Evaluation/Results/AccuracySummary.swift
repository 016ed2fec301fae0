/// A multiple-choice run (or any run with a right answer per item) in the numbers a reader
/// needs: accuracy with its 95 % Wilson interval beside the chance level, per category,
/// the answers that named no option, and — with shuffled options — the position check.
public struct AccuracySummary: Sendable, Equatable {
    /// Items with a right answer (`truth`); report items are left out.
    public let n: Int
    public let correct: Int
    public let accuracy: Double
    /// 0…1 when `n` is 0.
    public let interval: WilsonInterval
    /// The mean of 1 / options over the items that record their option count: the accuracy
    /// of guessing. 0 when none does.
    public let chance: Double
    /// Per category, sorted by name; empty when no item has one. When some do, the items
    /// without one are the row "(none)".
    public let categories: [CategoryRow]
    /// Ids of items whose generated answer named no option, in run order.
    public let unparseable: [String]
    /// Present when any item had a shuffled second pass.
    public let shuffle: ShuffleAgreement?

    /// The category name of items without one, when others have one.
    public static let noCategory = "(none)"

    public init(results: [ItemResult]) {
        let scored = results.filter { $0.truth != nil }
        n = scored.count
        correct = scored.filter(\.correct).count
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        interval = .of(correct, n)
        let counts = scored.compactMap(\.optionCount).filter { $0 > 0 }
        chance = counts.isEmpty ? 0 : counts.map { 1 / Double($0) }.reduce(0, +) / Double(counts.count)
        categories = Self.categoryRows(scored)
        unparseable = scored.filter { $0.prediction == nil }.map(\.id)
        shuffle = Self.shuffleAgreement(scored)
    }

    private static func categoryRows(_ scored: [ItemResult]) -> [CategoryRow] {
        guard scored.contains(where: { $0.category != nil }) else { return [] }
        let groups = Dictionary(grouping: scored) { $0.category ?? noCategory }
        return groups.keys.sorted().map { name in
            CategoryRow(name: name, n: groups[name]!.count, correct: groups[name]!.filter(\.correct).count)
        }
    }

    private static func shuffleAgreement(_ scored: [ItemResult]) -> ShuffleAgreement? {
        let shuffled = scored.filter { $0.permutation != nil || $0.permutedPrediction != nil }
        guard !shuffled.isEmpty else { return nil }
        let agreeing = shuffled.filter { $0.prediction != nil && $0.prediction == $0.permutedPrediction }.count
        let correct = shuffled.filter { $0.permutedPrediction != nil && $0.permutedPrediction == $0.truth }.count
        return ShuffleAgreement(n: shuffled.count, agreeing: agreeing, correct: correct)
    }
}
