import Evaluation
import XCTest

/// Classification summaries against scikit-learn:
/// `confusion_matrix(t, p)`, `precision_recall_fscore_support(t, p)`, `f1_score(t, p, average="macro")`
/// with t = [0,0,0,0,1,1,1,2,2], p = [0,0,1,2,1,1,0,2,2]; specificity TN / (TN + FP) from
/// the matrix; the interval from scipy's `binomtest(6, 10).proportion_ci(method="wilson")`.
final class ClassificationSummaryTests: XCTestCase {
    static let labels = ["normal", "effusion", "nodule"]
    static let results: [ItemResult] = {
        let t = [0, 0, 0, 0, 1, 1, 1, 2, 2], p = [0, 0, 1, 2, 1, 1, 0, 2, 2]
        var results = zip(t, p).enumerated().map { i, pair in
            ItemResult(id: "c\(i)", prediction: pair.1, truth: pair.0, correct: pair.0 == pair.1, seconds: 1)
        }
        results.append(ItemResult(id: "c9", prediction: nil, truth: 2, correct: false, seconds: 1, answer: "Cannot tell."))
        return results
    }()

    func testMatrixRowsAndAccuracy() {
        let s = ClassificationSummary(results: Self.results, labels: Self.labels)
        XCTAssertEqual(s.matrix.counts, [[2, 1, 1], [1, 2, 0], [0, 0, 2]])
        XCTAssertEqual(s.unanswered, 1)
        XCTAssertEqual(s.n, 10)
        XCTAssertEqual(s.correct, 6)
        XCTAssertEqual(s.accuracy, 0.6, accuracy: 1e-12)
        XCTAssertEqual(s.interval.low, 0.3126737697336583, accuracy: 1e-12)
        XCTAssertEqual(s.interval.high, 0.8318196702937639, accuracy: 1e-12)
        XCTAssertEqual(s.macroF1, 0.6793650793650793, accuracy: 1e-12)
        XCTAssertEqual(s.rows.map(\.label), Self.labels)
        XCTAssertEqual(s.rows.map(\.n), [4, 3, 2])
        let expected: [(sens: Double, spec: Double, prec: Double, f1: Double)] = [
            (0.5, 0.8, 2.0 / 3, 0.5714285714285714),
            (2.0 / 3, 0.8333333333333334, 2.0 / 3, 2.0 / 3),
            (1, 0.8571428571428571, 2.0 / 3, 0.8),
        ]
        for (row, e) in zip(s.rows, expected) {
            XCTAssertEqual(row.sensitivity, e.sens, accuracy: 1e-12, row.label)
            XCTAssertEqual(row.specificity, e.spec, accuracy: 1e-12, row.label)
            XCTAssertEqual(row.precision, e.prec, accuracy: 1e-12, row.label)
            XCTAssertEqual(row.f1, e.f1, accuracy: 1e-12, row.label)
        }
    }

    func testAPredictionOutsideTheLabelsCountsAsUnanswered() {
        let s = ClassificationSummary(results: [ItemResult(id: "x", prediction: 7, truth: 0, correct: false, seconds: 1)],
                                      labels: Self.labels)
        XCTAssertEqual(s.unanswered, 1)
        XCTAssertEqual(s.matrix.total, 0)
        XCTAssertEqual(s.n, 1)
    }
}
