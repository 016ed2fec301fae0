import Evaluation
import XCTest

final class ReportSummaryTests: XCTestCase {
    func testMeansOverTheItemsThatHaveScores() {
        let s = ReportSummary(results: [
            ItemResult(id: "r1", correct: true, seconds: 1, exactMatch: 1, f1: 1, rougeL: 1),
            ItemResult(id: "r2", correct: false, seconds: 1, exactMatch: 0, f1: 0.5, rougeL: 0.25),
            ItemResult(id: "r3", correct: false, seconds: 1, exactMatch: 0, f1: 0.2, rougeL: 0.4),
            ItemResult(id: "q1", prediction: 0, truth: 0, correct: true, seconds: 1),
        ])
        XCTAssertEqual(s.n, 3)
        XCTAssertEqual(s.exactMatch, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(s.f1, 1.7 / 3, accuracy: 1e-12)
        XCTAssertEqual(s.rougeL, 0.55, accuracy: 1e-12)
    }

    func testNothingScoredIsZero() {
        let s = ReportSummary(results: [])
        XCTAssertEqual(s.n, 0)
        XCTAssertEqual(s.f1, 0)
    }
}
