import Foundation
import TestSupport
import XCTest
@testable import Gemma

/// Images in a chat through the engine, on the real 270M text model with stand-in image
/// rows (the vision tower itself is tested against transformers in Vision/): how the
/// prompt is laid out, that the rows reach the model, and that the KV cache treats an
/// image like the tokens around it.
final class EngineImageTests: XCTestCase {
    private func image(_ key: String, seed: UInt64, tokens: Int = 16, width: Int) -> ImageEmbedding {
        var state = seed
        let rows = (0..<(tokens * width)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
        return ImageEmbedding(key: key, rows: rows, tokenCount: tokens)
    }

    /// ENGINE.md §6: each image becomes token 108 ("\n\n"), 255999 `<start_of_image>`, its
    /// rows, 256000 `<end_of_image>`, 108, after the turn's text; the rest is the chat
    /// template as for text.
    func testPromptLayoutFollowsTheHuggingFaceExpansion() throws {
        let engine = try TestModel.engine()
        let d = engine.model.config.embeddingLength
        let conversation = Conversation(model: engine.model, contextSize: 256)
        conversation.setMessages([ChatMessage(.user, "Describe this X-ray", images: [image("a", seed: 1, width: d)])])
        let ids = try engine.promptTokens(for: conversation)
        let head = engine.tokenizer.encode("<start_of_turn>user\nDescribe this X-ray", addBOS: true, parseSpecial: true)
        let tail = engine.tokenizer.encode("<end_of_turn>\n<start_of_turn>model\n", addBOS: false, parseSpecial: true)
        XCTAssertEqual(Array(ids.prefix(head.count)), head)
        XCTAssertEqual(Array(ids[head.count..<(head.count + 2)]), [108, 255_999])
        XCTAssertEqual(Array(ids[(head.count + 2)..<(head.count + 18)]), [Int32](repeating: -1, count: 16))
        XCTAssertEqual(Array(ids[(head.count + 18)..<(head.count + 20)]), [256_000, 108])
        XCTAssertEqual(Array(ids.suffix(tail.count)), tail)
        XCTAssertEqual(ids.count, head.count + 20 + tail.count)
    }

    /// Two labelled images in one turn (ENGINE.md C5, §6): each label's text, then 108,
    /// 255999, the image's own rows (its own placeholder), 256000, 108; the question after
    /// the second image; two different placeholders, one per picture.
    func testTwoLabelledImagesExpandEachAfterItsLabel() throws {
        let engine = try TestModel.engine()
        let d = engine.model.config.embeddingLength
        let conversation = Conversation(model: engine.model, contextSize: 256)
        conversation.setMessages([ChatMessage(.user, "What changed?", images: [image("p", seed: 1, width: d), image("c", seed: 2, width: d)],
                                              imagePlacement: .beforeText,
                                              imageLabels: ["Prior study (2023-01-12):", "Current study (2025-01-10):"])])
        let ids = try engine.promptTokens(for: conversation)
        func encode(_ s: String, bos: Bool = false) -> [Int32] { engine.tokenizer.encode(s, addBOS: bos, parseSpecial: true) }
        let image1 = [Int32](repeating: -1, count: 16), image2 = [Int32](repeating: -2, count: 16)
        let expected = encode("<start_of_turn>user\nPrior study (2023-01-12):\n\n<start_of_image>", bos: true) + image1
            + encode("<end_of_image>\n\nCurrent study (2025-01-10):\n\n<start_of_image>") + image2
            + encode("<end_of_image>\n\nWhat changed?<end_of_turn>\n<start_of_turn>model\n")
        XCTAssertEqual(ids, expected)
        let first = try XCTUnwrap(ids.firstIndex(of: -1)), second = try XCTUnwrap(ids.firstIndex(of: -2))
        XCTAssertEqual(Array(ids[(first - 2)..<first]), [108, 255_999])
        XCTAssertEqual(Array(ids[(first + 16)..<(first + 18)]), [256_000, 108])
        XCTAssertEqual(Array(ids[(second - 2)..<second]), [108, 255_999])
        XCTAssertEqual(Array(ids[(second + 16)..<(second + 18)]), [256_000, 108])
    }

    /// A reply with an image gives the logits of running the same segments directly, the
    /// rows matter (another image gives another first token distribution), and a
    /// follow-up runs neither the image nor the first turn again.
    func testImageRowsReachTheModelAndStayCached() throws {
        let engine = try TestModel.engine()
        let d = engine.model.config.embeddingLength
        let first = image("first", seed: 7, width: d)
        let conversation = Conversation(model: engine.model, contextSize: 512)
        conversation.setMessages([ChatMessage(.user, "What is in this image?", images: [first])])
        let ids = try engine.promptTokens(for: conversation)
        let i = ids.firstIndex(of: -1)!
        let direct = try engine.model.prefill([.tokens(Array(ids[..<i])), .image(first.rows), .tokens(Array(ids[(i + 16)...]))],
                                              cache: engine.model.makeCache(capacity: 512))
        let want = Sampler.argmax(direct)

        final class Box: @unchecked Sendable { var ids: [Int32] = []; var stats: GenerationStats? }
        func reply(_ c: Conversation) -> Box {
            let box = Box()
            engine.reply(to: c, settings: .greedy, maxTokens: 3) { event in
                if case .token(let t) = event, t.id >= 0 { box.ids.append(t.id) }
                if case .finished(let s) = event { box.stats = s }
            }.wait()
            return box
        }
        let answer = reply(conversation)
        XCTAssertEqual(answer.ids.first.map(Int.init), want)
        XCTAssertEqual(answer.stats?.processedPromptTokens, ids.count)

        let otherImage = image("other", seed: 99, width: d)
        let otherLogits = try engine.model.prefill([.tokens(Array(ids[..<i])), .image(otherImage.rows), .tokens(Array(ids[(i + 16)...]))],
                                                   cache: engine.model.makeCache(capacity: 512))
        XCTAssertGreaterThan(zip(direct, otherLogits).map { abs($0 - $1) }.max() ?? 0, 0.1, "the image rows change the logits")

        // Follow-up: same image in the history, new question; only the new turn runs.
        var history = conversation.messages
        history.append(ChatMessage(.user, "Is it normal?"))
        conversation.setMessages(history)
        let wantCount = try engine.promptTokens(for: conversation).count
        let followUp = reply(conversation)
        let stats = try XCTUnwrap(followUp.stats)
        XCTAssertLessThan(stats.processedPromptTokens, 20, "the image and the first turn came from the cache")
        XCTAssertEqual(stats.promptTokens, wantCount)
    }

    /// The cache is never resumed inside an image: when an earlier image changes, its
    /// whole block runs again.
    func testChangedImageRunsWhole() throws {
        let engine = try TestModel.engine()
        let d = engine.model.config.embeddingLength
        let conversation = Conversation(model: engine.model, contextSize: 512)
        conversation.setMessages([ChatMessage(.user, "Look", images: [image("x", seed: 3, width: d)])])
        let a = try engine.promptTokens(for: conversation)
        _ = conversation.reuse(for: a)
        conversation.cachedTokens = a
        conversation.cache.count = a.count
        conversation.setMessages([ChatMessage(.user, "Look", images: [image("y", seed: 4, width: d)])])
        let b = try engine.promptTokens(for: conversation)
        let start = conversation.reuse(for: b)
        XCTAssertEqual(start, a.firstIndex(of: -1)!, "resumes at the start of the changed image")
        XCTAssertEqual(b[start], -2)
    }

    /// Pan-and-scan: the original image and its crops in the words transformers'
    /// `Gemma3Processor.replace_image_token` uses (recorded in the preprocessing fixtures),
    /// each sequence expanded as usual.
    func testCropsAreIntroducedInTheProcessorsWords() throws {
        struct PromptFile: Decodable { let imageSequenceStandIn: String; let replacements: [String: String] }
        let file = try JSONDecoder().decode(PromptFile.self, from: Data(contentsOf: TestEnvironment.fixture("preprocessing/prompt.json")))
        let engine = try TestModel.engine()
        let d = engine.model.config.embeddingLength
        for (countText, replacement) in file.replacements {
            let count = Int(countText)!
            let crops = (0..<count).map { image("crop\($0)", seed: UInt64(10 + $0), tokens: 4, width: d) }
            let original = ImageEmbedding(key: "orig", rows: image("orig", seed: 5, tokens: 4, width: d).rows, tokenCount: 4, crops: crops)
            let conversation = Conversation(model: engine.model, contextSize: 512)
            conversation.setMessages([ChatMessage(.user, "Describe", images: [original])])
            let ids = try engine.promptTokens(for: conversation)

            // Expected: the processor's text with each stand-in as "\n\n<start_of_image>",
            // four placeholder rows, "<end_of_image>\n\n".
            let parts = replacement.components(separatedBy: file.imageSequenceStandIn)
            XCTAssertEqual(parts.count, count + 2)
            var want: [Int32] = []
            var text = "<start_of_turn>user\nDescribe" + parts[0]
            for k in 0...count {
                text += "\n\n<start_of_image>"
                want += engine.tokenizer.encode(text, addBOS: k == 0, parseSpecial: true)
                want += [Int32](repeating: -Int32(k + 1), count: 4)
                text = "<end_of_image>\n\n" + parts[k + 1]
            }
            want += engine.tokenizer.encode(text + "<end_of_turn>\n<start_of_turn>model\n", addBOS: false, parseSpecial: true)
            XCTAssertEqual(ids, want, "\(count) crops")
        }
    }
}
