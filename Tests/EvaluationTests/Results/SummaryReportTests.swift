import Evaluation
import Foundation
import XCTest

/// The summaries as printed, compared whole: columns aligned by hand here, intervals
/// rounded from scipy's (see AccuracySummaryTests and ClassificationSummaryTests).
final class SummaryReportTests: XCTestCase {
    func testAccuracyText() {
        let text = SummaryReport.text(AccuracySummary(results: AccuracySummaryTests.results), title: "mcq.jsonl - m.gguf")
        let expected = [
            "mcq.jsonl - m.gguf",
            "  items     5",
            "  correct   3",
            "  accuracy  60.0 %  (95 % CI 23.1–88.2 %)  chance 29.0 %",
            "",
            "  category      n  correct  accuracy       95 % CI",
            "  ------------  -  -------  --------  ------------",
            "  (none)        1        1   100.0 %  20.7–100.0 %",
            "  anatomy       3        2    66.7 %   20.8–93.9 %",
            "  pharmacology  1        0     0.0 %    0.0–79.3 %",
            "",
            "  shuffled options  2 of 4 answers unchanged (50.0 %)",
            "  shuffled pass     accuracy 75.0 %  (95 % CI 30.1–95.4 %)",
            "",
            "  answers naming no option (1): q3",
        ].joined(separator: "\n")
        XCTAssertEqual(text, expected)
    }

    func testClassificationText() {
        let s = ClassificationSummary(results: ClassificationSummaryTests.results, labels: ClassificationSummaryTests.labels)
        let expected = [
            "cls.jsonl",
            "  items     10  (1 naming no label)",
            "  correct   6",
            "  accuracy  60.0 %  (95 % CI 31.3–83.2 %)",
            "  macro-F1  0.679",
            "",
            "  truth \\ answer  normal  effusion  nodule",
            "  --------------  ------  --------  ------",
            "  normal               2         1       1",
            "  effusion             1         2       0",
            "  nodule               0         0       2",
            "",
            "  class     n  sensitivity  specificity  precision     F1",
            "  --------  -  -----------  -----------  ---------  -----",
            "  normal    4       50.0 %       80.0 %     66.7 %  0.571",
            "  effusion  3       66.7 %       83.3 %     66.7 %  0.667",
            "  nodule    2      100.0 %       85.7 %     66.7 %  0.800",
        ].joined(separator: "\n")
        XCTAssertEqual(SummaryReport.text(s, title: "cls.jsonl"), expected)
    }

    func testReportText() {
        let s = ReportSummary(results: [
            ItemResult(id: "r1", correct: true, seconds: 1, exactMatch: 1, f1: 1, rougeL: 1),
            ItemResult(id: "r2", correct: false, seconds: 1, exactMatch: 0, f1: 0.5, rougeL: 0.25),
            ItemResult(id: "r3", correct: false, seconds: 1, exactMatch: 0, f1: 0.2, rougeL: 0.4),
        ])
        let expected = [
            "reports.jsonl",
            "  items        3",
            "  exact match  33.3 %",
            "  token F1     0.567",
            "  ROUGE-L      0.550",
        ].joined(separator: "\n")
        XCTAssertEqual(SummaryReport.text(s, title: "reports.jsonl"), expected)
    }

    func testComparisonText() throws {
        let (a, b) = RunComparisonTests.runs()
        let expected = [
            "base vs tuned",
            "  paired items   10  (1 only in A, 2 only in B; not compared)",
            "  accuracy A     30.0 %",
            "  accuracy B     50.0 %",
            "  B - A          +20.0 points",
            "  McNemar exact  p = 0.625  (1 right only in A, 3 right only in B)",
            "",
            "           B right  B wrong",
            "  -------  -------  -------",
            "  A right        2        1",
            "  A wrong        3        4",
        ].joined(separator: "\n")
        XCTAssertEqual(SummaryReport.text(try RunComparison(a: a, b: b), title: "base vs tuned"), expected)
    }

    func testALongListOfUnparseableAnswersIsCut() {
        let results = (1...23).map { ItemResult(id: "u\($0)", prediction: nil, truth: 0, correct: false, seconds: 1) }
        let last = SummaryReport.text(AccuracySummary(results: results), title: "t").split(separator: "\n").last
        XCTAssertEqual(last.map(String.init), "  answers naming no option (23): "
                       + (1...20).map { "u\($0)" }.joined(separator: ", ") + ", … and 3 more")
    }

    func testNoLineEndsInASpace() throws {
        let texts = [
            SummaryReport.text(AccuracySummary(results: AccuracySummaryTests.results), title: "t"),
            SummaryReport.text(ClassificationSummary(results: ClassificationSummaryTests.results, labels: ClassificationSummaryTests.labels), title: "t"),
        ]
        for text in texts {
            for line in text.split(separator: "\n") { XCTAssertFalse(line.hasSuffix(" "), String(line)) }
        }
    }

    func testReportJSONIsOneSortedObjectOfFractions() {
        let s = ReportSummary(results: [
            ItemResult(id: "r1", correct: true, seconds: 1, exactMatch: 1, f1: 1, rougeL: 0.5),
            ItemResult(id: "r2", correct: false, seconds: 1, exactMatch: 0, f1: 0.5, rougeL: 0.25),
        ])
        XCTAssertEqual(SummaryReport.json(s), #"{"exact_match":0.5,"f1":0.75,"n":2,"rouge_l":0.375}"#)
    }

    func testComparisonJSON() throws {
        let (a, b) = RunComparisonTests.runs()
        let json = SummaryReport.json(try RunComparison(a: a, b: b))
        // p is summed in log space, so only close to scipy's 0.625.
        XCTAssertTrue(json.hasPrefix(#"{"accuracy_a":0.3,"accuracy_b":0.5,"both_right":2,"both_wrong":4,"difference":0.2,"n":10,"#
                                     + #""only_a_right":1,"only_b_right":3,"only_in_a":1,"only_in_b":2,"p":"#), json)
        XCTAssertEqual(try object(json)["p"] as? Double ?? -1, 0.625, accuracy: 1e-12)
    }

    func testAccuracyAndClassificationJSONHoldTheNumbers() throws {
        let accuracy = try object(SummaryReport.json(AccuracySummary(results: AccuracySummaryTests.results)))
        XCTAssertEqual(accuracy["n"] as? Int, 5)
        XCTAssertEqual(accuracy["accuracy"] as? Double ?? -1, 0.6, accuracy: 1e-12)
        XCTAssertEqual(accuracy["ci_low"] as? Double ?? -1, 0.23072428127601297, accuracy: 1e-12)
        XCTAssertEqual(accuracy["chance"] as? Double ?? -1, 0.29, accuracy: 1e-12)
        XCTAssertEqual(accuracy["unparseable"] as? [String], ["q3"])
        XCTAssertEqual((accuracy["categories"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["(none)", "anatomy", "pharmacology"])
        XCTAssertEqual((accuracy["shuffle"] as? [String: Any])?["agreeing"] as? Int, 2)

        let cls = try object(SummaryReport.json(ClassificationSummary(results: ClassificationSummaryTests.results,
                                                                      labels: ClassificationSummaryTests.labels)))
        XCTAssertEqual(cls["confusion_matrix"] as? [[Int]], [[2, 1, 1], [1, 2, 0], [0, 0, 2]])
        XCTAssertEqual(cls["unanswered"] as? Int, 1)
        XCTAssertEqual(cls["macro_f1"] as? Double ?? -1, 0.6793650793650793, accuracy: 1e-12)
        XCTAssertEqual((cls["classes"] as? [[String: Any]])?.first?["specificity"] as? Double ?? -1, 0.8, accuracy: 1e-12)
    }

    private func object(_ json: String) throws -> [String: Any] {
        XCTAssertFalse(json.contains("\n"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}
