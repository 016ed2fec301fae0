import XCTest
import Evaluation

/// The four conventions' arithmetic on hand-computed numbers.
final class ScoringRuleTests: XCTestCase {
    func testEachRuleDividesByWhatItsReferenceDoes() {
        // "héllo": 5 characters (Python len), 6 UTF-8 bytes; two tokens.
        let logProbs = [-1.0, -2.0]
        XCTAssertEqual(ScoringRule.sum.score(logProbs, option: "héllo"), -3.0)
        XCTAssertEqual(ScoringRule.charNorm.score(logProbs, option: "héllo"), -0.6, accuracy: 1e-15)
        XCTAssertEqual(ScoringRule.byteNorm.score(logProbs, option: "héllo"), -0.5)
        XCTAssertEqual(ScoringRule.tokenMean.score(logProbs, option: "héllo"), -1.5)
    }

    func testTheRulesCanDisagreeOnTheBestOption() {
        // A long option with a low total but a high per-character likelihood.
        let options = ["no", "pneumothorax"]
        let logProbs = [[-2.0], [-3.0, -1.0, -2.0]]
        func best(_ rule: ScoringRule) -> Int? { ScoringRule.prediction(zip(logProbs, options).map { rule.score($0, option: $1) }) }
        XCTAssertEqual(best(.sum), 0)          // −2 > −6
        XCTAssertEqual(best(.charNorm), 1)     // −1 < −0.5
        XCTAssertEqual(best(.tokenMean), 0)    // −2 = −2: the first wins
    }

    func testTiesGoToTheFirstOption() {
        XCTAssertEqual(ScoringRule.prediction([-1, -0.5, -0.5]), 1)
        XCTAssertNil(ScoringRule.prediction([]))
    }
}
