import XCTest
@testable import Gemma

/// `continuationLogProbs` against transformers' logits for the tiny Gemma 3 (its sliding
/// window of 8 makes the branches cross window edges) and against plain forward passes of
/// prompt + option.
final class ContinuationLogProbsTests: XCTestCase {
    /// log softmax(row)[target] in Double, from the transformers fixture.
    private func logProb(_ row: [Float], _ target: Int32) -> Double {
        let m = Double(row.max()!)
        let sum = row.reduce(0.0) { $0 + exp(Double($1) - m) }
        return Double(row[Int(target)]) - m - log(sum)
    }

    func testBranchesMatchTransformers() throws {
        let fixture = try TinyGemmaFixture.load()
        let model = try GemmaModel(path: TinyGemmaFixture.modelPath)
        let sequence = fixture.sequences.first { $0.ids.count == 37 }!
        let ids = sequence.ids, split = 20
        // The true continuation, a one-token one (scored from the prompt's logits alone) and a shorter one.
        let continuations = [Array(ids[split...]), [ids[split]], Array(ids[split..<(split + 6)])]
        for (precision, bound) in [(GemmaModel.Precision.reference, 1e-3), (.fast, 1e-2)] {
            model.precision = precision
            let cache = model.makeCache(capacity: 64)
            let scores = try model.continuationLogProbs(prefix: [.tokens(Array(ids[..<split]))], continuations: continuations, cache: cache)
            XCTAssertEqual(scores.map(\.count), [17, 1, 6])
            for (c, tokens) in continuations.enumerated() {
                for (j, token) in tokens.enumerated() {
                    let expected = logProb(sequence.logits[split + j - 1], token)
                    XCTAssertEqual(scores[c][j], expected, accuracy: bound, "\(precision) option \(c) token \(j)")
                }
            }
            XCTAssertEqual(cache.count, split, "the options leave only the prompt in the cache")
        }
    }

    func testBranchesEqualPlainForwardPassesAndGrouping() throws {
        let model = try GemmaModel(path: TinyGemmaFixture.modelPath)
        model.precision = .reference
        let prompt: [Int32] = [2, 17, 301, 44, 9, 120, 77, 5, 260, 31, 402, 11]
        let options: [[Int32]] = [[88, 19, 230, 7, 7, 61, 500, 3, 14, 92, 40], [301, 44], [12, 13, 14, 15, 16, 17, 18, 19, 20]]
        let vocab = model.config.vocabularySize
        let together = try model.continuationLogProbs(prefix: [.tokens(prompt)], continuations: options, cache: model.makeCache(capacity: 64))
        // batchSize 10: the long option runs alone, the other two share a pass.
        let grouped = try model.continuationLogProbs(prefix: [.tokens(prompt)], continuations: options,
                                                     cache: model.makeCache(capacity: 64), batchSize: 10)
        for (c, option) in options.enumerated() {
            let cache = model.makeCache(capacity: 64)
            let logits = try model.forward(.tokens(prompt + option), cache: cache, allLogits: true)
            for j in option.indices {
                let row = Array(logits[((prompt.count + j - 1) * vocab)..<((prompt.count + j) * vocab)])
                XCTAssertEqual(together[c][j], logProb(row, option[j]), accuracy: 1e-4, "option \(c) token \(j)")
                XCTAssertEqual(grouped[c][j], together[c][j], accuracy: 1e-5, "option \(c) token \(j), grouped")
            }
        }
    }
}
