import XCTest
import Gemma
import GGUF

/// The image-prompt logits of the tiny fixture (transformers' values) with the vision tower
/// on the F16 mmproj in each precision, the text model held at `.reference` so only the
/// tower's products differ: to 1e-3 with every product in f32 (as ImagePromptTests on the
/// F32 file), to 2e-2 with the fast matrix kernels (bf16 `vdpbf16ps` where the CPU has it).
final class VisionPrecisionPromptTests: XCTestCase {
    func testImagePromptLogitsInBothPrecisions() throws {
        let fixture = try TinyVisionFixture.load()
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        model.precision = .reference
        let vocab = model.config.vocabularySize
        for (precision, bound) in [(GemmaModel.Precision.reference, Float(1e-3)), (.fast, 5e-2)] {
            let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f16.gguf"),
                                            textWidth: model.config.embeddingLength, precision: precision)
            for prompt in fixture.prompts {
                var segments: [PromptSegment] = []
                let last = prompt.text_chunks.count - 1
                for (k, chunk) in prompt.text_chunks.enumerated() {
                    var tokens = (k > 0 ? [fixture.config.end_of_image] : []) + chunk
                    if k < last { tokens.append(fixture.config.start_of_image) }
                    segments.append(.tokens(tokens))
                    if k < last { segments.append(.image(try encoder.encode(pixels: fixture.images[prompt.images[k]].pixels))) }
                }
                let logits = try model.prefill(segments, cache: model.makeCache(capacity: prompt.ids.count), allLogits: true)
                XCTAssertEqual(logits.count, prompt.ids.count * vocab)
                var worst: Float = 0
                for (p, expected) in prompt.logits.enumerated() {
                    for (i, e) in expected.enumerated() { worst = max(worst, abs(logits[p * vocab + i] - e)) }
                }
                XCTAssertLessThan(worst, bound, "\(prompt.name), \(precision)")
                print("\(prompt.name), vision \(precision): max |Δlogit| \(worst) over \(prompt.ids.count) positions")
            }
        }
    }
}
