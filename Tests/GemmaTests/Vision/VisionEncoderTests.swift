import Foundation
import XCTest
import Gemma
import GGUF

/// SigLIP and the Gemma 3 projector against transformers on the tiny random tower, from the
/// mmproj files llama.cpp's converter wrote (F32, F16 weights, Q8_0 weights).
final class VisionEncoderTests: XCTestCase {
    func testSigLIPOutputMatchesTransformers() throws {
        let fixture = try TinyVisionFixture.load()
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), textWidth: fixture.config.text_width)
        for (i, image) in fixture.images.enumerated() {
            let error = relativeError(try encoder.patchFeatures(pixels: image.pixels), image.siglip_output)
            XCTAssertLessThan(error, 1e-4, "image \(i)")
        }
    }

    /// The fixture's weights are F16-representable, so the F16 file is the same model.
    func testImageFeaturesMatchTransformers() throws {
        let fixture = try TinyVisionFixture.load()
        for file in ["mmproj-f32.gguf", "mmproj-f16.gguf"] {
            let encoder = try VisionEncoder(path: TinyVisionFixture.path(file), textWidth: fixture.config.text_width)
            XCTAssertEqual(encoder.tokensPerImage, fixture.config.tokens_per_image)
            for (i, image) in fixture.images.enumerated() {
                let features = try encoder.encode(pixels: image.pixels)
                XCTAssertEqual(features.count, fixture.config.tokens_per_image * fixture.config.text_width)
                let error = relativeError(features, image.features)
                XCTAssertLessThan(error, 1e-4, "\(file), image \(i)")
                print("\(file) image \(i): features relative error \(error)")
            }
        }
    }

    /// BF16 keeps 8 mantissa bits and Q8_0 rounds each weight to 1/127 of its block's largest:
    /// the features stay within a few percent of transformers', far from a wrong layout (order 1).
    func testLossyWeightTypesStayClose() throws {
        let fixture = try TinyVisionFixture.load()
        for (file, type) in [("mmproj-bf16.gguf", GGMLType.bf16), ("mmproj-q8_0.gguf", .q8_0)] {
            let encoder = try VisionEncoder(path: TinyVisionFixture.path(file), textWidth: fixture.config.text_width)
            XCTAssertTrue(encoder.file.tensorInfos.contains { $0.type == type }, "\(file) holds \(type) weights")
            for (i, image) in fixture.images.enumerated() {
                let error = relativeError(try encoder.encode(pixels: image.pixels), image.features)
                XCTAssertLessThan(error, 0.05, "\(file), image \(i)")
                print("\(file) image \(i): features relative error \(error)")
            }
        }
    }

    /// The two images give different features (a tower that ignored its input would not).
    func testDifferentImagesGiveDifferentFeatures() throws {
        let fixture = try TinyVisionFixture.load()
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), textWidth: fixture.config.text_width)
        let a = try encoder.encode(pixels: fixture.images[0].pixels)
        XCTAssertGreaterThan(relativeError(a, fixture.images[1].features), 0.1)
    }
}

/// A real mmproj (e.g. MedGemma 4B's), when `MEDGEMMA_MMPROJ` names one: loads, encodes a
/// mid-grey image, and reports the time. Skipped otherwise (no such file in the repository).
final class RealMmprojTests: XCTestCase {
    func testRealMmprojEncodesAnImage() throws {
        guard let path = ProcessInfo.processInfo.environment["MEDGEMMA_MMPROJ"], !path.isEmpty else {
            throw XCTSkip("set MEDGEMMA_MMPROJ to an mmproj GGUF to run this test")
        }
        let file = try GGUFFile(path: path)
        let config = try VisionConfig(file: file)
        let encoder = try VisionEncoder(file: file, textWidth: config.projectionDim)
        let pixels = [Float](repeating: 0, count: 3 * config.imageSize * config.imageSize)
        let start = Date()
        let features = try encoder.encode(pixels: pixels)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(features.count, config.tokensPerImage * config.projectionDim)
        XCTAssertTrue(features.allSatisfy { $0.isFinite })
        print("mmproj \(config.imageSize)px, \(config.layerCount) layers, \(config.tokensPerImage) tokens: \(String(format: "%.2f", seconds)) s")
    }
}
