import XCTest
import Gemma
import TestSupport
@testable import Evaluation

/// The scorer on the real gemma-3-270m: where each convention puts the prompt's end, and
/// its sums against plain forward passes of prompt + option (another code path).
final class LikelihoodScorerTests: XCTestCase {
    private static var engine: Engine?

    private func engine() throws -> Engine {
        if let e = Self.engine { return e }
        let e = try Engine(path: TestEnvironment.defaultModel())
        Self.engine = e
        return e
    }

    func testTokenMeanPromptIsTheSharedPrefixOfTheJoinedTexts() throws {
        let tokenizer = try engine().tokenizer
        let context = LikelihoodSplit.context(question: "Which organ is affected?")
        let options = ["left lung", "left kidney", "liver"]
        let split = LikelihoodSplit.tokenMean(context: context, options: options, tokenizer: tokenizer)
        for (option, continuation) in zip(options, split.continuations) {
            XCTAssertEqual(split.prompt + continuation, tokenizer.encode(context + " " + option, addBOS: true, parseSpecial: false))
        }
        XCTAssertEqual(split.prompt, tokenizer.encode(context, addBOS: true, parseSpecial: false), "\"liver\" shares no token with \"left\"")
        let two = LikelihoodSplit.tokenMean(context: context, options: Array(options.prefix(2)), tokenizer: tokenizer)
        XCTAssertEqual(two.prompt, tokenizer.encode(context + " left", addBOS: true, parseSpecial: false), "the shared \" left\" is prompt")
        // An option that is a prefix of another keeps its last token.
        let prefix = LikelihoodSplit.tokenMean(context: context, options: ["left", "left lung"], tokenizer: tokenizer)
        XCTAssertEqual(prefix.continuations[0].count, 1)
    }

    func testHarnessPromptIsTheContextAlone() throws {
        let tokenizer = try engine().tokenizer
        let context = LikelihoodSplit.context(question: "Which organ is affected?")
        let split = LikelihoodSplit.harness(context: context, options: ["left lung", "left kidney"], tokenizer: tokenizer)
        XCTAssertEqual(split.prompt, tokenizer.encode(context, addBOS: true, parseSpecial: false))
        XCTAssertEqual(split.continuations[0], Array(tokenizer.encode(context + " left lung", addBOS: true, parseSpecial: false).dropFirst(split.prompt.count)))
    }

    func testSumsEqualPlainForwardPasses() throws {
        let engine = try engine()
        let model = engine.model
        model.precision = .reference
        defer { model.precision = .fast }
        let question = "What is the most common cause of community-acquired pneumonia?"
        let options = ["Streptococcus pneumoniae", "Staphylococcus aureus", "a virus", "Klebsiella"]
        let scorer = LikelihoodScorer(engine: engine, rule: .sum, chat: false, contextSize: 256)
        let scores = try scorer.scores(question: question, options: options)
        let split = LikelihoodSplit.harness(context: LikelihoodSplit.context(question: question), options: options, tokenizer: engine.tokenizer)
        let vocab = model.config.vocabularySize
        for (k, continuation) in split.continuations.enumerated() {
            let ids = split.prompt + continuation
            let logits = try model.forward(.tokens(ids), cache: model.makeCache(capacity: 256), allLogits: true)
            var sum = 0.0
            for (j, token) in continuation.enumerated() {
                let row = logits[((split.prompt.count + j - 1) * vocab)..<((split.prompt.count + j) * vocab)]
                let m = Double(row.max()!)
                sum += Double(row[row.startIndex + Int(token)]) - m - log(row.reduce(0.0) { $0 + exp(Double($1) - m) })
            }
            XCTAssertEqual(scores[k], sum, accuracy: 2e-3, options[k])
        }
        // Normalised rules are the same sums divided.
        let norm = try LikelihoodScorer(engine: engine, rule: .charNorm, chat: false, contextSize: 256).scores(question: question, options: options)
        for k in options.indices { XCTAssertEqual(norm[k], scores[k] / Double(options[k].count), accuracy: 1e-9) }
    }

    func testTooLongAQuestionIsAContextError() throws {
        let scorer = LikelihoodScorer(engine: try engine(), rule: .sum, chat: false, contextSize: 8)
        XCTAssertThrowsError(try scorer.scores(question: "A question far longer than eight tokens of context.", options: ["yes", "no"])) { error in
            XCTAssertTrue("\(error)".contains("context is full"), "\(error)")
        }
    }
}
