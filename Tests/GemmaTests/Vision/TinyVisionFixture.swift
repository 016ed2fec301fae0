import Foundation
import Gemma
import TestSupport

/// Tests/Fixtures/tiny_gemma_vision (Tools/make_tiny_gemma_vision.py): a tiny random
/// transformers Gemma3ForConditionalGeneration converted by llama.cpp's convert_hf_to_gguf.py,
/// with transformers' SigLIP outputs, projector outputs and image-prompt logits.
struct TinyVisionFixture: Decodable {
    struct Config: Decodable {
        let image_size: Int, patch_size: Int, vision_hidden: Int, vision_heads: Int, vision_ffn: Int, vision_layers: Int
        let vision_eps: Double, tokens_per_image: Int, pool_kernel: Int, text_width: Int
        let start_of_image: Int32, end_of_image: Int32
    }
    struct Image: Decodable {
        let bytes_chw: [Int]
        let siglip_output: [[Float]]
        let features: [[Float]]
        /// The model input, computed in float32 exactly as the script does: u / 127.5 − 1.
        var pixels: [Float] { bytes_chw.map { Float($0) / Float(127.5) - 1 } }
    }
    struct Prompt: Decodable {
        let name: String
        let text_chunks: [[Int32]]
        let images: [Int]
        let ids: [Int32]
        let logits: [[Float]]
    }
    let config: Config
    let images: [Image]
    let prompts: [Prompt]

    /// `prompt` as model input: text + <start_of_image>, the image's rows from `encoder`,
    /// <end_of_image> + text, …
    func segments(_ prompt: Prompt, encoder: VisionEncoder) throws -> [PromptSegment] {
        var out: [PromptSegment] = []
        let last = prompt.text_chunks.count - 1
        for (k, chunk) in prompt.text_chunks.enumerated() {
            var tokens = (k > 0 ? [config.end_of_image] : []) + chunk
            if k < last { tokens.append(config.start_of_image) }
            out.append(.tokens(tokens))
            if k < last { out.append(.image(try encoder.encode(pixels: images[prompt.images[k]].pixels))) }
        }
        return out
    }

    static func path(_ file: String) -> String { TestEnvironment.fixture("tiny_gemma_vision/" + file).path }

    static func load() throws -> TinyVisionFixture {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: TestEnvironment.fixture("tiny_gemma_vision/expected.json")))
    }
}

/// max |a − b| over the rows, divided by max |b|: the "relative" error of a whole output.
func relativeError(_ a: [Float], _ rows: [[Float]]) -> Float {
    let b = rows.flatMap { $0 }
    precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
    let scale = b.map(abs).max() ?? 1
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}
