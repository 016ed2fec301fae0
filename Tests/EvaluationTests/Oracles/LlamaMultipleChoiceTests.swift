import Foundation
import XCTest
import Gemma
import Support
import TestSupport
@testable import Evaluation

/// `token-mean` against llama.cpp's `llama-perplexity --multiple-choice` on the real
/// gemma-3-270m, item by item over samples/eval/mcq.jsonl (Tools/make_llama_mc_fixture.py
/// records which items llama.cpp gets right). The two may differ only on items llama.cpp
/// itself decides differently when run another way (packed batches, flash attention off,
/// one token at a time: the fixture's `stable` marks), where the best two options lie
/// within hundredths of a nat per token of each other.
final class LlamaMultipleChoiceTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Item: Decodable {
            let id: String
            let correct: Bool
            /// Every llama.cpp run of the fixture script agreed on it.
            let stable: Bool
        }
        let tasks_sha256: String
        let question_format: String
        let items: [Item]
    }

    func testTokenMeanAgreesWithLlamaPerplexityItemByItem() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestEnvironment.fixture("eval/llama-mc-270m.json")))
        let taskPath = TestEnvironment.samples.appendingPathComponent("eval/mcq.jsonl").path
        XCTAssertEqual(try SHA256.hex(ofFile: taskPath), fixture.tasks_sha256, "the fixture was made from this task file")
        XCTAssertEqual(fixture.question_format, "Question: {question}\nAnswer:")
        XCTAssertEqual(LikelihoodSplit.context(question: "{question}"), fixture.question_format)
        let task = try TaskFile.read(path: taskPath)
        XCTAssertGreaterThanOrEqual(task.items.count, 100)
        let engine = try Engine(path: TestEnvironment.defaultModel())
        let scorer = LikelihoodScorer(engine: engine, rule: .tokenMean, chat: false, contextSize: 512)
        let llama = Dictionary(uniqueKeysWithValues: fixture.items.map { ($0.id, $0) })
        XCTAssertGreaterThanOrEqual(fixture.items.filter(\.stable).count, 100, "at least 100 items to compare")
        var disagreements: [String] = []
        for item in task.items {
            guard case .multipleChoice(let q) = item else { return XCTFail("\(item.id) is not multiple choice") }
            let scores = try scorer.scores(question: q.question, options: q.options)
            let ours = ScoringRule.prediction(scores) == q.answer
            guard let theirs = llama[q.id] else { return XCTFail("\(q.id) missing from the fixture") }
            guard ours != theirs.correct else { continue }
            let sorted = scores.sorted(by: >)
            disagreements.append("\(q.id) (margin \(sorted[0] - sorted[1]))")
            XCTAssertFalse(theirs.stable, "\(q.id): we are \(ours ? "right" : "wrong"), llama.cpp \(theirs.correct ? "right" : "wrong") in every one of its runs")
        }
        print("token-mean vs llama-perplexity: \(task.items.count) items, \(disagreements.count) differ: \(disagreements)")
    }
}
