import Evaluation
import XCTest

/// Two runs paired by id. p from scipy: `binomtest(1, 4, 0.5).pvalue` = 0.625.
final class RunComparisonTests: XCTestCase {
    private static func item(_ id: String, _ correct: Bool, truth: Int? = 0) -> ItemResult {
        ItemResult(id: id, prediction: correct ? truth : 1, truth: truth, correct: correct, seconds: 1)
    }

    /// Ten shared items — 2 right in both, 1 only in A, 3 only in B, 4 in neither — one
    /// item only in A and two only in B.
    static func runs() -> (a: [ItemResult], b: [ItemResult]) {
        let a: [Bool] = [true, true, true, false, false, false, false, false, false, false]
        let b: [Bool] = [true, true, false, true, true, true, false, false, false, false]
        return ((0..<10).map { Self.item("q\($0)", a[$0]) } + [Self.item("a-only", true)],
                (0..<10).reversed().map { Self.item("q\($0)", b[$0]) } + [Self.item("b-only1", true), Self.item("b-only2", false)])
    }

    func testCountsAccuraciesAndMcNemar() throws {
        let (a, b) = Self.runs()
        let c = try RunComparison(a: a, b: b)
        XCTAssertEqual(c.n, 10)
        XCTAssertEqual(c.onlyInA, 1)
        XCTAssertEqual(c.onlyInB, 2)
        XCTAssertEqual(c.bothRight, 2)
        XCTAssertEqual(c.onlyARight, 1)
        XCTAssertEqual(c.onlyBRight, 3)
        XCTAssertEqual(c.bothWrong, 4)
        XCTAssertEqual(c.accuracyA, 0.3, accuracy: 1e-12)
        XCTAssertEqual(c.accuracyB, 0.5, accuracy: 1e-12)
        XCTAssertEqual(c.difference, 0.2, accuracy: 1e-12)
        XCTAssertEqual(c.p, 0.625, accuracy: 1e-12)
    }

    func testRefusesRunsWithoutSharedIDs() {
        XCTAssertThrowsError(try RunComparison(a: [Self.item("x", true)], b: [Self.item("y", true)])) { error in
            XCTAssertEqual("\(error)", "the two runs share no item id: nothing to compare")
        }
    }

    func testRefusesRunsOfDifferentTaskFilesNamingTheFirstID() {
        let a = [Self.item("q1", true, truth: 0), Self.item("q2", true, truth: 2), Self.item("q3", true, truth: 1)]
        let b = [Self.item("q3", true, truth: 3), Self.item("q1", true, truth: 0), Self.item("q2", true, truth: 1)]
        XCTAssertThrowsError(try RunComparison(a: a, b: b)) { error in
            XCTAssertEqual("\(error)", "item \"q2\" has the right answer 2 in one run and 1 in the other: these are runs of different task files")
        }
    }
}
