import Evaluation
import Foundation
import TestSupport
import XCTest

/// The evaluation's statistics against scipy, scikit-learn and rouge-score
/// (Tests/Fixtures/eval/metrics.json, written by Tools/make_eval_metric_fixtures.py).
final class MetricsTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Wilson: Decodable { let k, n: Int; let low, high: Double }
        struct McNemar: Decodable { let b, c: Int; let p: Double }
        struct Classification: Decodable {
            let labels: [String]
            let truth, predicted: [Int]
            let matrix: [[Int]]
            let sensitivity, specificity, precision, f1: [Double]
            let macroF1, accuracy: Double
        }
        struct Text: Decodable { let prediction, reference: String; let exact: Bool; let f1, rougeL: Double }
        let wilson: [Wilson]
        let mcnemar: [McNemar]
        let classification: Classification
        let text: [Text]
    }

    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestEnvironment.fixture("eval/metrics.json")))
    }

    func testWilsonIntervalMatchesScipy() throws {
        for w in try fixture().wilson {
            let interval = WilsonInterval(successes: w.k, trials: w.n)
            XCTAssertEqual(interval.low, w.low, accuracy: 1e-12, "\(w.k)/\(w.n)")
            XCTAssertEqual(interval.high, w.high, accuracy: 1e-12, "\(w.k)/\(w.n)")
        }
    }

    func testMcNemarExactMatchesScipysBinomialTest() throws {
        for m in try fixture().mcnemar {
            XCTAssertEqual(McNemarTest.exactP(b: m.b, c: m.c), m.p, accuracy: 1e-12, "b \(m.b) c \(m.c)")
        }
    }

    func testClassificationMetricsMatchScikitLearn() throws {
        let c = try fixture().classification
        var matrix = ConfusionMatrix(labels: c.labels)
        for (t, p) in zip(c.truth, c.predicted) { matrix.add(truth: t, prediction: p) }
        XCTAssertEqual(matrix.counts, c.matrix)
        XCTAssertEqual(matrix.accuracy, c.accuracy, accuracy: 1e-12)
        for k in c.labels.indices {
            XCTAssertEqual(matrix.sensitivity(k), c.sensitivity[k], accuracy: 1e-12, c.labels[k])
            XCTAssertEqual(matrix.specificity(k), c.specificity[k], accuracy: 1e-12, c.labels[k])
            XCTAssertEqual(matrix.precision(k), c.precision[k], accuracy: 1e-12, c.labels[k])
            XCTAssertEqual(matrix.f1(k), c.f1[k], accuracy: 1e-12, c.labels[k])
        }
        XCTAssertEqual(matrix.macroF1, c.macroF1, accuracy: 1e-12)
    }

    func testTextMetricsMatchSQuADAndRougeScore() throws {
        for t in try fixture().text {
            XCTAssertEqual(TextMetrics.exactMatch(t.prediction, t.reference), t.exact, t.prediction)
            XCTAssertEqual(TextMetrics.tokenF1(t.prediction, t.reference), t.f1, accuracy: 1e-12, t.prediction)
            XCTAssertEqual(TextMetrics.rougeL(t.prediction, t.reference), t.rougeL, accuracy: 1e-12, t.prediction)
        }
    }
}
