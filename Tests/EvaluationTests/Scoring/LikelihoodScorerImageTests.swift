import XCTest
import Gemma
import MedImaging
import TestSupport
import VisionPreprocessing
import Workstation
@testable import Evaluation

/// A question about a picture: the scorer's prompt is the chat turn the engine itself would
/// run (checked against `Engine.nextTokenLogits` of a conversation holding the same turn),
/// on the real gemma-3-270m with the small random mmproj made for its width.
final class LikelihoodScorerImageTests: XCTestCase {
    func testImagePromptIsTheEnginesChatTurn() throws {
        let engine = try Engine(path: TestEnvironment.defaultModel())
        let encoder = try VisionEncoder(path: TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path, for: engine.model)
        let picture = try ModelImageSource.rgb(MedicalImage.load(path: TestEnvironment.fixture("tiny_gemma_vision/image0.png").path))
        let embedding = try VisionPipeline(encoder: encoder).encode(picture, key: VisionPipeline.key(for: picture))
        let question = "What kind of image is this?"
        let options = ["yes", "no", "maybe"]
        for option in options {
            XCTAssertEqual(engine.tokenizer.encode(option, addBOS: false, parseSpecial: false).count, 1, "\(option) is one token")
        }
        let scores = try LikelihoodScorer(engine: engine, rule: .sum, chat: false, contextSize: 1024)
            .scores(question: question, options: options, image: embedding)

        let conversation = Conversation(model: engine.model, contextSize: 1024)
        conversation.addUser(question, images: [embedding])
        let logits = try engine.nextTokenLogits(for: conversation)
        let m = Double(logits.max()!)
        let logSum = log(logits.reduce(0.0) { $0 + exp(Double($1) - m) })
        for (k, option) in options.enumerated() {
            let id = Int(engine.tokenizer.encode(option, addBOS: false, parseSpecial: false)[0])
            XCTAssertEqual(scores[k], Double(logits[id]) - m - logSum, accuracy: 1e-3, option)
        }
        // Without the picture the same question scores otherwise: the image reached the model.
        let blind = try LikelihoodScorer(engine: engine, rule: .sum, chat: true, contextSize: 1024).scores(question: question, options: options)
        XCTAssertGreaterThan(zip(blind, scores).map { abs($0 - $1) }.max()!, 1e-3)
    }
}
