import Evaluation
import XCTest

/// Multiple-choice summaries. Intervals from scipy:
/// `binomtest(k, n).proportion_ci(method="wilson")`.
final class AccuracySummaryTests: XCTestCase {
    /// Five scored questions (3 right), one report item that is not scored, categories on
    /// four of them, a shuffled pass on four.
    static let results: [ItemResult] = [
        ItemResult(id: "q1", prediction: 0, truth: 0, correct: true, seconds: 1, category: "anatomy", optionCount: 4,
                   permutation: [1, 0, 3, 2], permutedPrediction: 0),
        ItemResult(id: "q2", prediction: 2, truth: 1, correct: false, seconds: 1, category: "anatomy", optionCount: 4,
                   permutation: [3, 2, 1, 0], permutedPrediction: 1),
        ItemResult(id: "q3", prediction: nil, truth: 2, correct: false, seconds: 1, answer: "Unclear.", category: "pharmacology",
                   optionCount: 5, permutation: [4, 3, 2, 1, 0], permutedPrediction: nil),
        ItemResult(id: "q4", prediction: 3, truth: 3, correct: true, seconds: 1, optionCount: 4,
                   permutation: [2, 3, 0, 1], permutedPrediction: 3),
        ItemResult(id: "q5", prediction: 0, truth: 0, correct: true, seconds: 1, category: "anatomy", optionCount: 2),
        ItemResult(id: "r1", correct: false, seconds: 1, answer: "Normal.", exactMatch: 0, f1: 0.5, rougeL: 0.5),
    ]

    func testCountsIntervalChanceAndUnparseable() {
        let s = AccuracySummary(results: Self.results)
        XCTAssertEqual(s.n, 5)
        XCTAssertEqual(s.correct, 3)
        XCTAssertEqual(s.accuracy, 0.6, accuracy: 1e-12)
        XCTAssertEqual(s.interval.low, 0.23072428127601297, accuracy: 1e-12)
        XCTAssertEqual(s.interval.high, 0.8823792257673521, accuracy: 1e-12)
        // (1/4 + 1/4 + 1/5 + 1/4 + 1/2) / 5
        XCTAssertEqual(s.chance, 0.29, accuracy: 1e-12)
        XCTAssertEqual(s.unparseable, ["q3"])
    }

    func testCategoriesSortedWithTheUncategorisedUnderNone() {
        let rows = AccuracySummary(results: Self.results).categories
        XCTAssertEqual(rows.map(\.name), ["(none)", "anatomy", "pharmacology"])
        XCTAssertEqual(rows.map(\.n), [1, 3, 1])
        XCTAssertEqual(rows.map(\.correct), [1, 2, 0])
        XCTAssertEqual(rows[1].accuracy, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(rows[1].interval.low, 0.20765960080204782, accuracy: 1e-12)
        XCTAssertEqual(rows[1].interval.high, 0.9385080552796038, accuracy: 1e-12)
        XCTAssertEqual(rows[2].interval.high, 0.7934506856227626, accuracy: 1e-12)
    }

    func testNoCategoriesNoRows() {
        let plain = Self.results.map { r -> ItemResult in var r = r; r.category = nil; return r }
        XCTAssertEqual(AccuracySummary(results: plain).categories, [])
    }

    func testShuffledPass() throws {
        let shuffle = try XCTUnwrap(AccuracySummary(results: Self.results).shuffle)
        XCTAssertEqual(shuffle.n, 4)
        XCTAssertEqual(shuffle.agreeing, 2, "q1 and q4; q2 changed its answer, q3 named none twice")
        XCTAssertEqual(shuffle.agreement, 0.5, accuracy: 1e-12)
        XCTAssertEqual(shuffle.correct, 3)
        XCTAssertEqual(shuffle.accuracy, 0.75, accuracy: 1e-12)
        XCTAssertEqual(shuffle.interval.low, 0.30064184258240184, accuracy: 1e-12)
        XCTAssertEqual(shuffle.interval.high, 0.9544127391902995, accuracy: 1e-12)
        XCTAssertNil(AccuracySummary(results: [Self.results[4]]).shuffle)
    }

    func testAnEmptyRunHasTheWholeIntervalAndNoChance() {
        let s = AccuracySummary(results: [])
        XCTAssertEqual(s.n, 0)
        XCTAssertEqual(s.accuracy, 0)
        XCTAssertEqual(s.interval.low, 0)
        XCTAssertEqual(s.interval.high, 1)
        XCTAssertEqual(s.chance, 0)
    }
}
