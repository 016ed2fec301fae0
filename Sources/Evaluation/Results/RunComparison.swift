import Support

/// Two runs of the same task ("did the fine-tune help?"), paired by item id: the 2×2 table
/// of right and wrong, both accuracies on the shared items, and McNemar's exact p, which
/// counts only the items the runs disagree on — the honest test for paired answers, where
/// comparing two overlapping confidence intervals is not.
public struct RunComparison: Sendable, Equatable {
    /// Items in both runs.
    public let n: Int
    public let onlyInA: Int
    public let onlyInB: Int
    public let bothRight: Int
    /// Right in A only (McNemar's b).
    public let onlyARight: Int
    /// Right in B only (McNemar's c).
    public let onlyBRight: Int
    public let bothWrong: Int
    public let accuracyA: Double
    public let accuracyB: Double
    /// `accuracyB − accuracyA`, on the paired items.
    public var difference: Double { accuracyB - accuracyA }
    /// Two-sided McNemar exact p.
    public let p: Double

    /// Refuses runs that share no id, and runs whose right answer differs for a shared id
    /// (runs of different task files), naming the first such id in A's order.
    public init(a: [ItemResult], b: [ItemResult]) throws(RunComparisonError) {
        let inB = Dictionary(b.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let idsA = Set(a.map(\.id))
        var pairs: [(ItemResult, ItemResult)] = []
        var seen = Set<String>()
        for x in a where seen.insert(x.id).inserted {
            guard let y = inB[x.id] else { continue }
            guard x.truth == y.truth else {
                func text(_ t: Int?) -> String { t.map(String.init) ?? "none" }
                throw RunComparisonError("item \"\(OneLine.shortened(x.id, to: 80))\" has the right answer \(text(x.truth)) in one run"
                                         + " and \(text(y.truth)) in the other: these are runs of different task files")
            }
            pairs.append((x, y))
        }
        guard !pairs.isEmpty else { throw RunComparisonError("the two runs share no item id: nothing to compare") }
        n = pairs.count
        onlyInA = seen.count - n
        onlyInB = Set(inB.keys).subtracting(idsA).count
        bothRight = pairs.filter { $0.0.correct && $0.1.correct }.count
        onlyARight = pairs.filter { $0.0.correct && !$0.1.correct }.count
        onlyBRight = pairs.filter { !$0.0.correct && $0.1.correct }.count
        bothWrong = n - bothRight - onlyARight - onlyBRight
        accuracyA = Double(bothRight + onlyARight) / Double(n)
        accuracyB = Double(bothRight + onlyBRight) / Double(n)
        p = McNemarTest.exactP(b: onlyARight, c: onlyBRight)
    }
}
