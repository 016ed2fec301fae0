import Foundation
import XCTest
import Gemma
import TestSupport

/// `perplexity` against llama.cpp's llama-perplexity on the same text and file
/// (Tests/Fixtures/perplexity, made by Tools/make_perplexity_fixture.py).
final class PerplexityTests: XCTestCase {
    struct Fixture: Decodable {
        struct Corpus: Decodable { let ids: [Int32] }
        struct Run: Decodable {
            let ctx: Int
            let chunks: Int
            let scored_per_chunk: Int
            let ppl: Double
            let per_chunk: [Double]
        }
        let corpus: Corpus
        let runs: [Run]
    }

    func testMatchesLlamaPerplexityWithinOnePercent() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestEnvironment.fixture("perplexity/llamacpp.json")))
        let engine = try TestModel.engine()
        var text = try String(contentsOf: TestEnvironment.fixture("perplexity/corpus.txt"), encoding: .utf8)
        if text.hasSuffix("\n") { text.removeLast() }
        let tokens = engine.tokenizer.encode(text, addBOS: true, parseSpecial: false)
        XCTAssertEqual(tokens, fixture.corpus.ids, "the corpus must tokenize as llama-perplexity tokenized it")
        for run in fixture.runs {
            let r = try engine.model.perplexity(tokens: tokens, bos: engine.tokenizer.bos, context: run.ctx, batchSize: run.ctx)
            XCTAssertEqual(r.chunks, run.chunks)
            XCTAssertEqual(r.scoredTokens, run.chunks * run.scored_per_chunk)
            XCTAssertEqual(r.perplexity, run.ppl, accuracy: run.ppl * 0.01, "ctx \(run.ctx)")
            for (ours, theirs) in zip(r.running, run.per_chunk) {
                XCTAssertEqual(ours, theirs, accuracy: theirs * 0.03, "ctx \(run.ctx) running perplexity")
            }
        }
    }

    func testTooShortATextIsAClearError() throws {
        let engine = try TestModel.engine()
        XCTAssertThrowsError(try engine.model.perplexity(tokens: [2, 5, 6], bos: 2, context: 128)) {
            XCTAssertEqual("\($0)", "the text has 3 tokens; at least 256 (two chunks of 128) are needed")
        }
    }
}
