/// Image classification's counts (rows: the true label, columns: the predicted one) and
/// what a radiologist reads from them per class: sensitivity, specificity, precision, F1,
/// and the macro-F1 that weighs rare findings like common ones.
public struct ConfusionMatrix: Sendable, Equatable {
    public let labels: [String]
    /// `counts[truth][prediction]`.
    public private(set) var counts: [[Int]]

    public init(labels: [String]) {
        self.labels = labels
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    }

    public mutating func add(truth: Int, prediction: Int) {
        counts[truth][prediction] += 1
    }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { labels.indices.reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    private func truePositives(_ c: Int) -> Int { counts[c][c] }
    private func actual(_ c: Int) -> Int { counts[c].reduce(0, +) }
    private func predicted(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Recall of class `c`: of the cases that are `c`, the share called `c` (0 when none are).
    public func sensitivity(_ c: Int) -> Double { ratio(truePositives(c), actual(c)) }

    /// Of the cases that are not `c`, the share not called `c`.
    public func specificity(_ c: Int) -> Double {
        let negatives = total - actual(c)
        let falsePositives = predicted(c) - truePositives(c)
        return ratio(negatives - falsePositives, negatives)
    }

    /// Of the cases called `c`, the share that are `c` (0 when none were called `c`).
    public func precision(_ c: Int) -> Double { ratio(truePositives(c), predicted(c)) }

    public func f1(_ c: Int) -> Double {
        let p = precision(c), r = sensitivity(c)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    public var macroF1: Double {
        labels.isEmpty ? 0 : labels.indices.map(f1).reduce(0, +) / Double(labels.count)
    }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
