import Foundation
import Gemma
import MedImaging
import TestSupport
import VisionPreprocessing
import XCTest
@testable import Workstation

/// Several labelled pictures in one user turn against transformers
/// (Tools/make_tiny_gemma_vision_two_images.py): the tiny random vision model, image0.png and
/// image1.png each after its label, then the question — the turn `ask --image A --image B`
/// and "compare with prior" send. The prompt ids are the processor's, and the last
/// position's logits agree, so each picture is its own bidirectional block in its place.
final class SeveralImagesTests: XCTestCase {
    private struct Fixture: Decodable {
        let labels: [String]
        let question: String
        let images: [String]
        let image_token: Int
        let ids: [Int]
        let last_logits: [Float]
        let swapped_images_max_change: Float
        let causal_image_blocks_max_change: Float
    }

    private static func path(_ file: String) -> String { TestEnvironment.fixture("tiny_gemma_vision/" + file).path }

    private func attachment(_ file: String, label: String?) throws -> ImageAttachment {
        let picture = try ModelImageSource.rgb(try MedicalImage.load(path: Self.path(file)), mode: .windowed(nil))
        return ImageAttachment(source: file, preparation: "stored pixels", picture: picture, label: label)
    }

    func testTwoLabelledImagesMatchTransformers() throws {
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Self.path("two_images.json"))))
        XCTAssertGreaterThan(fixture.swapped_images_max_change, 0.05, "the fixture notices the order")
        XCTAssertGreaterThan(fixture.causal_image_blocks_max_change, 0.05, "the fixture notices causal image blocks")
        let engine = try Engine(path: Self.path("text-chat.gguf"))
        let provider = VisionEmbeddingProvider(pipeline: VisionPipeline(encoder: try VisionEncoder(path: Self.path("mmproj-f32.gguf"), for: engine.model)))
        let images = try zip(fixture.images, fixture.labels).map { try attachment($0, label: $1) }
        let message = BackendMessage(.user, fixture.question, images: images)
        XCTAssertTrue(message.hasLabelledImages)
        let embeddings = try images.map { try provider.embedding(for: $0) { _ in } }
        let conversation = Conversation(model: engine.model, contextSize: 512)
        conversation.setMessages([LocalEngineBackend.chatMessage(message, embeddings: embeddings)])
        let ids = try engine.promptIDs(for: conversation).map(Int.init)
        XCTAssertEqual(ids, fixture.ids)
        XCTAssertEqual(ids.filter { $0 == fixture.image_token }.count, 72)
        let logits = try engine.nextTokenLogits(for: conversation)
        XCTAssertEqual(logits.count, fixture.last_logits.count)
        let worst = zip(logits, fixture.last_logits).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 2e-2)
        XCTAssertEqual(Sampler.argmax(logits), fixture.last_logits.indices.max { fixture.last_logits[$0] < fixture.last_logits[$1] })
        print("two labelled images: max |Δlogit| vs transformers \(worst) over all 64")
    }

    /// A lone unlabelled picture still follows the text (the one-image prompt is unchanged);
    /// labels put the pictures first, each after its label, in the content items a server
    /// receives as in the in-process prompt.
    func testUnlabelledPictureStaysAfterTheText() throws {
        let one = try attachment("image0.png", label: nil)
        let message = BackendMessage(.user, "q", images: [one])
        XCTAssertFalse(message.hasLabelledImages)
        let embedding = ImageEmbedding(key: "k", rows: [Float](repeating: 0, count: 24), tokenCount: 1)
        let chat = LocalEngineBackend.chatMessage(message, embeddings: [embedding])
        XCTAssertEqual(chat.imagePlacement, .afterText)
        XCTAssertEqual(chat.imageLabels, [])
        let labelled = LocalEngineBackend.chatMessage(BackendMessage(.user, "q", images: [one.labelled("a:"), one.labelled("b:")]),
                                                      embeddings: [embedding, embedding])
        XCTAssertEqual(labelled.imagePlacement, .beforeText)
        XCTAssertEqual(labelled.imageLabels, ["a:", "b:"])
        XCTAssertEqual(try ChatTemplate.render([labelled], imageMarker: "<I>"),
                       "<start_of_turn>user\na:<I>b:<I>q<end_of_turn>\n<start_of_turn>model\n")
    }
}
