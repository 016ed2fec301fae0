import XCTest
import Gemma
import GGUF

/// Image embeddings spliced into the text model's prompt, against transformers' logits for
/// text + <start_of_image> + soft tokens + <end_of_image> + text (one and two images). The
/// script shows these logits move by several units if the image rows are scaled by sqrt(d)
/// or attended causally, so agreement to 1e-3 pins both down.
final class ImagePromptTests: XCTestCase {
    /// To 1e-3 at `.reference` precision (f32 KV cache); to 1e-2 with the default f16 cache.
    func testImagePromptLogitsMatchTransformers() throws {
        let fixture = try TinyVisionFixture.load()
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), for: model)
        let vocab = model.config.vocabularySize
        for (precision, bound) in [(GemmaModel.Precision.reference, Float(1e-3)), (.fast, 1e-2)] {
            model.precision = precision
            for prompt in fixture.prompts {
                let segs = try fixture.segments(prompt, encoder: encoder)
                for batchSize in [512, 3] {
                    let cache = model.makeCache(capacity: prompt.ids.count)
                    let logits = try model.prefill(segs, cache: cache, batchSize: batchSize, allLogits: true)
                    XCTAssertEqual(cache.count, prompt.ids.count)
                    XCTAssertEqual(logits.count, prompt.ids.count * vocab)
                    var worst: Float = 0
                    for (p, expected) in prompt.logits.enumerated() {
                        for (i, e) in expected.enumerated() { worst = max(worst, abs(logits[p * vocab + i] - e)) }
                    }
                    XCTAssertLessThan(worst, bound, "\(prompt.name), \(precision), batches of \(batchSize)")
                    print("\(prompt.name), \(precision), batches of \(batchSize): max |Δlogit| \(worst) over \(prompt.ids.count) positions")
                }
                // Only the last row by default.
                let last = try model.prefill(segs, cache: model.makeCache(capacity: prompt.ids.count))
                let expected = prompt.logits.last!
                XCTAssertLessThan(zip(last, expected).map { abs($0 - $1) }.max()!, bound, "\(prompt.name), \(precision)")
            }
        }
    }

    func testImageRowsMustBeWholeRows() throws {
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let cache = model.makeCache(capacity: 8)
        XCTAssertThrowsError(try model.prefill([.tokens([2]), .image([Float](repeating: 0, count: 5))], cache: cache)) { error in
            XCTAssertTrue(error is ImageEmbeddingWidthError, String(describing: error))
        }
    }

    func testAnImageThatDoesNotFitIsAContextError() throws {
        let fixture = try TinyVisionFixture.load()
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), for: model)
        let image = try encoder.encode(pixels: fixture.images[0].pixels)
        let cache = model.makeCache(capacity: encoder.tokensPerImage)
        XCTAssertThrowsError(try model.prefill([.tokens([2, fixture.config.start_of_image]), .image(image)], cache: cache)) { error in
            XCTAssertTrue(error is ContextFullError, String(describing: error))
        }
    }
}
