/// An image-classification run as a radiologist reads it: the confusion matrix with the
/// label names, per-class sensitivity, specificity, precision and F1, macro-F1 (rare
/// findings weigh as much as common ones) and accuracy with its 95 % interval.
///
/// An item whose answer named no label (or a label index outside `labels`) is not in the
/// matrix — it has no column — but is counted in `unanswered` and as wrong in `accuracy`;
/// the per-class figures are over the answered items. Items without a true label (or one
/// outside `labels`) are ignored.
public struct ClassificationSummary: Sendable, Equatable {
    public let matrix: ConfusionMatrix
    public let rows: [ClassRow]
    public let unanswered: Int
    /// Answered and unanswered items.
    public let n: Int
    public let correct: Int
    public let accuracy: Double
    public let interval: WilsonInterval
    public var macroF1: Double { matrix.macroF1 }
    public var labels: [String] { matrix.labels }

    public init(results: [ItemResult], labels: [String]) {
        var matrix = ConfusionMatrix(labels: labels)
        var unanswered = 0
        for result in results {
            guard let truth = result.truth, labels.indices.contains(truth) else { continue }
            if let prediction = result.prediction, labels.indices.contains(prediction) {
                matrix.add(truth: truth, prediction: prediction)
            } else {
                unanswered += 1
            }
        }
        self.matrix = matrix
        self.unanswered = unanswered
        n = matrix.total + unanswered
        correct = matrix.correct
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        interval = .of(correct, n)
        rows = labels.indices.map { c in
            ClassRow(label: labels[c], n: matrix.counts[c].reduce(0, +), sensitivity: matrix.sensitivity(c),
                     specificity: matrix.specificity(c), precision: matrix.precision(c), f1: matrix.f1(c))
        }
    }
}
