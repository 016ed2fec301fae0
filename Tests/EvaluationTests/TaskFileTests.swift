import Evaluation
import Foundation
import XCTest

/// Task files as the README describes them, and every kind of mistake a hand-written one
/// has, each a one-line error naming the file and the line.
final class TaskFileTests: XCTestCase {
    func testMultipleChoiceWithListsLettersAndObjects() throws {
        let text = """
        # a comment, then a blank line

        {"id": "q1", "question": "Which vessel?", "options": ["aorta", "vena cava", "portal vein"], "answer": 1, "category": "anatomy"}
        {"id": 2, "question": "Which lobe?", "options": {"A": "upper", "B": "middle", "C": "lower"}, "answer": "c", "image": "cxr.png"}
        {"id": "q3", "question": "True?", "options": ["yes", "no"], "answer": "B"}
        """
        let file = try TaskFile.parse(text, path: "mcq.jsonl")
        XCTAssertEqual(file.items, [
            .multipleChoice(MultipleChoiceItem(id: "q1", question: "Which vessel?", options: ["aorta", "vena cava", "portal vein"],
                                               answer: 1, image: nil, category: "anatomy")),
            .multipleChoice(MultipleChoiceItem(id: "2", question: "Which lobe?", options: ["upper", "middle", "lower"],
                                               answer: 2, image: "cxr.png", category: nil)),
            .multipleChoice(MultipleChoiceItem(id: "q3", question: "True?", options: ["yes", "no"], answer: 1, image: nil, category: nil)),
        ])
    }

    func testClassificationTakesItsLabelsFromTheFirstLine() throws {
        let text = """
        {"labels": ["normal", "effusion"], "prompt": "Is there a pleural effusion?"}
        {"id": "a", "image": "a.png", "label": "effusion"}
        {"id": "b", "image": "b.png", "label": "normal"}
        """
        let file = try TaskFile.parse(text, path: "cls.jsonl")
        XCTAssertEqual(file.labels, ["normal", "effusion"])
        XCTAssertEqual(file.prompt, "Is there a pleural effusion?")
        XCTAssertEqual(file.items.map(\.id), ["a", "b"])
        XCTAssertEqual(file.items.first, .classification(ClassificationItem(id: "a", image: "a.png", label: 1)))
    }

    func testReports() throws {
        let file = try TaskFile.parse(#"{"id": "r1", "prompt": "Describe.", "image": "ct.dcm", "reference": "Normal study."}"#, path: "r.jsonl")
        XCTAssertEqual(file.items, [.report(ReportItem(id: "r1", prompt: "Describe.", image: "ct.dcm", reference: "Normal study."))])
    }

    func testEachMistakeIsOneLineNamingFileAndLine() {
        let q = #"{"id": "q1", "question": "Q?", "options": ["a", "b"], "answer": 0}"#
        let rows: [(String, String)] = [
            ("", "t.jsonl: no items"),
            ("{not json", "t.jsonl:1: not a JSON object"),
            (q + "\n[1, 2]", "t.jsonl:2: not a JSON object"),
            (#"{"question": "Q?", "options": ["a", "b"], "answer": 0}"#, "t.jsonl:1: no \"id\""),
            (#"{"id": "x", "question": "Q?", "options": ["a", "b"], "answer": 2}"#, "t.jsonl:1: answer 2 is not one of the 2 options (0-based)"),
            (#"{"id": "x", "question": "Q?", "options": ["a", "b"], "answer": "E"}"#, "t.jsonl:1: answer 'E' is not one of the 2 options"),
            (#"{"id": "x", "question": "Q?", "options": ["a"], "answer": 0}"#, "t.jsonl:1: 1 options: a question needs 2 to 26"),
            (#"{"id": "x", "question": "Q?", "options": "a or b", "answer": 0}"#, "t.jsonl:1: \"options\" must be a list of texts or an object of letter: text"),
            (q + "\n" + q, "t.jsonl:2: id \"q1\" is used twice"),
            (q + "\n" + #"{"id": "r", "prompt": "P", "reference": "R"}"#, "t.jsonl:2: a report item in a multiple choice file (one kind per file)"),
            (#"{"id": "c", "image": "a.png", "label": "x"}"#, "t.jsonl:1: a classification item before the {\"labels\": […]} line"),
            (#"{"labels": ["a", "b"]}"# + "\n" + #"{"id": "c", "image": "a.png", "label": "x"}"#, "t.jsonl:2: label \"x\" is not one of a, b"),
            (#"{"labels": ["a"]}"#, "t.jsonl:1: \"labels\" must list at least two different label names"),
            (#"{"id": "z", "text": "?"}"#, "t.jsonl:1: not an item: it needs \"options\" and \"answer\", \"label\" and \"image\", or \"prompt\" and \"reference\""),
        ]
        for (text, message) in rows {
            XCTAssertThrowsError(try TaskFile.parse(text, path: "t.jsonl"), text) { error in
                XCTAssertEqual("\(error)", message, text)
            }
        }
    }

    func testAMissingFileIsNamed() {
        XCTAssertThrowsError(try TaskFile.read(path: "/nonexistent/tasks.jsonl")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/tasks.jsonl: cannot open: No such file or directory")
        }
    }
}
