import Foundation
import XCTest
import Gemma
import GGUF

/// The mmproj metadata and the one-line errors for files that are not a Gemma 3 vision tower
/// for this text model.
final class VisionConfigTests: XCTestCase {
    func testConfigIsDecodedFromTheMetadata() throws {
        let expected = try TinyVisionFixture.load().config
        for file in ["mmproj-f32.gguf", "mmproj-f16.gguf", "mmproj-bf16.gguf", "mmproj-q8_0.gguf"] {
            let c = try VisionConfig(file: GGUFFile(path: TinyVisionFixture.path(file)))
            XCTAssertEqual(c.projectorType, "gemma3")
            XCTAssertEqual(c.imageSize, expected.image_size)
            XCTAssertEqual(c.patchSize, expected.patch_size)
            XCTAssertEqual(c.hiddenSize, expected.vision_hidden)
            XCTAssertEqual(c.headCount, expected.vision_heads)
            XCTAssertEqual(c.feedForwardLength, expected.vision_ffn)
            XCTAssertEqual(c.layerCount, expected.vision_layers)
            XCTAssertEqual(Double(c.layerNormEpsilon), expected.vision_eps, accuracy: 1e-12)
            XCTAssertEqual(c.poolKernel, expected.pool_kernel)
            XCTAssertEqual(c.tokensPerImage, expected.tokens_per_image)
            XCTAssertEqual(c.projectionDim, expected.text_width)
            XCTAssertEqual(c.imageMean, [0.5, 0.5, 0.5])
            XCTAssertEqual(c.imageStd, [0.5, 0.5, 0.5])
        }
    }

    func testAnotherProjectorIsAOneLineErrorNamingTheFile() {
        let path = TinyVisionFixture.path("bad-projector.gguf")
        XCTAssertThrowsError(try VisionEncoder(path: path, textWidth: 24)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix(path), text)
            XCTAssertTrue(text.contains("\"idefics3\"") && text.contains("gemma3"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testProjectorWidthMustMatchTheTextModel() throws {
        let width = try TinyVisionFixture.load().config.text_width
        let bad = TinyVisionFixture.path("bad-width.gguf")
        XCTAssertThrowsError(try VisionEncoder(path: bad, textWidth: width)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix(bad) && text.contains("\(width + 8)-wide") && text.contains("\(width) wide"), text)
        }
        // The good file against a text model of another width.
        let good = TinyVisionFixture.path("mmproj-f32.gguf")
        XCTAssertThrowsError(try VisionEncoder(path: good, textWidth: width * 2)) { error in
            XCTAssertTrue(String(describing: error).contains("\(width * 2) wide"), String(describing: error))
        }
        // Through the text model itself.
        let model = try GemmaModel(path: TinyVisionFixture.path("text.gguf"))
        XCTAssertEqual(try VisionEncoder(path: good, for: model).config.projectionDim, model.config.embeddingLength)
    }

    func testTheTextModelIsNotAnMmproj() {
        let path = TinyVisionFixture.path("text.gguf")
        XCTAssertThrowsError(try VisionEncoder(path: path, textWidth: 24)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix(path) && text.contains("\"gemma3\" is not a vision projector"), text)
        }
    }

    /// Metadata that checks out but no tensors: a missing-tensor error, before any arithmetic.
    func testMissingTensorsAreReportedAtLoad() throws {
        let path = TinyVisionFixture.path("bad-width.gguf")
        XCTAssertThrowsError(try VisionEncoder(path: path, textWidth: 32)) { error in
            XCTAssertEqual((error as? GGUFError)?.problem, .missingTensor("v.patch_embd.weight"), String(describing: error))
        }
    }

    func testTruncatedMmprojIsAnError() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TinyVisionFixture.path("mmproj-f32.gguf")))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for cut in [data.count - 100, data.count / 2, 600] {
            let url = dir.appendingPathComponent("cut-\(cut).gguf")
            try data.prefix(cut).write(to: url)
            XCTAssertThrowsError(try VisionEncoder(path: url.path, textWidth: 24)) { error in
                let text = String(describing: error)
                XCTAssertTrue(text.hasPrefix(url.path) && !text.contains("\n"), text)
            }
        }
    }

    func testWrongPixelCountIsAnError() throws {
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), textWidth: 24)
        XCTAssertThrowsError(try encoder.encode(pixels: [Float](repeating: 0, count: 10))) { error in
            let e = error as? VisionInputError
            XCTAssertEqual(e?.expected, 3 * encoder.config.imageSize * encoder.config.imageSize)
            XCTAssertEqual(e?.found, 10)
        }
    }
}
