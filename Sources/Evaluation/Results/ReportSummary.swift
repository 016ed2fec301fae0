/// A report or open-answer run: the mean of each text score over the items that have it
/// (exact match, SQuAD token F1, ROUGE-L), each 0 when none has it.
public struct ReportSummary: Sendable, Equatable {
    /// Items with any text score.
    public let n: Int
    public let exactMatch: Double
    public let f1: Double
    public let rougeL: Double

    public init(results: [ItemResult]) {
        n = results.filter { $0.exactMatch != nil || $0.f1 != nil || $0.rougeL != nil }.count
        exactMatch = Self.mean(results.compactMap(\.exactMatch))
        f1 = Self.mean(results.compactMap(\.f1))
        rougeL = Self.mean(results.compactMap(\.rougeL))
    }

    private static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
