import Foundation
import XCTest
import Gemma
import GGUF
import Kernels

/// SigLIP and the Gemma 3 projector against transformers on the tiny random tower, from the
/// mmproj files llama.cpp's converter wrote (F32, F16 weights, Q8_0 weights): to 1e-4 in
/// `.reference` precision (every product in f32), within bf16's and Q8_0's rounding in the
/// default `.fast` precision (matrix kernels of the weight type, where the CPU has them).
final class VisionEncoderTests: XCTestCase {
    func testSigLIPOutputMatchesTransformers() throws {
        let fixture = try TinyVisionFixture.load()
        let encoder = try VisionEncoder(path: TinyVisionFixture.path("mmproj-f32.gguf"), textWidth: fixture.config.text_width,
                                        precision: .reference)
        for (i, image) in fixture.images.enumerated() {
            let error = relativeError(try encoder.patchFeatures(pixels: image.pixels), image.siglip_output)
            XCTAssertLessThan(error, 1e-4, "image \(i)")
        }
    }

    /// The fixture's weights are F16-representable, so the F16 file is the same model.
    func testImageFeaturesMatchTransformers() throws {
        let fixture = try TinyVisionFixture.load()
        for file in ["mmproj-f32.gguf", "mmproj-f16.gguf"] {
            let encoder = try VisionEncoder(path: TinyVisionFixture.path(file), textWidth: fixture.config.text_width,
                                            precision: .reference)
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
    /// the features stay within a few percent of transformers', far from a wrong layout (order 1),
    /// in both precisions (fast: bf16 activations too, or Q8_0-quantized ones).
    func testLossyWeightTypesStayClose() throws {
        let fixture = try TinyVisionFixture.load()
        for (file, type) in [("mmproj-bf16.gguf", GGMLType.bf16), ("mmproj-q8_0.gguf", .q8_0)] {
            for precision in [GemmaModel.Precision.reference, .fast] {
                let encoder = try VisionEncoder(path: TinyVisionFixture.path(file), textWidth: fixture.config.text_width,
                                                precision: precision)
                XCTAssertTrue(encoder.file.tensorInfos.contains { $0.type == type }, "\(file) holds \(type) weights")
                for (i, image) in fixture.images.enumerated() {
                    let error = relativeError(try encoder.encode(pixels: image.pixels), image.features)
                    XCTAssertLessThan(error, 0.05, "\(file), \(precision), image \(i)")
                    print("\(file) \(precision) image \(i): features relative error \(error)")
                }
            }
        }
    }

    /// The fast precision on the F16 file: bf16 products (activations rounded to 8 significant
    /// bits, the F16 weights kept exact as two bf16 halves) and bf16 attention through two
    /// layers keep the features within 2e-2 of transformers' (measured 2.6e-3, 2.1e-3), and
    /// where the CPU has the bf16 kernel they are not the f32 path's features (so the kernel
    /// did run).
    func testFastPrecisionStaysClose() throws {
        let fixture = try TinyVisionFixture.load()
        let path = TinyVisionFixture.path("mmproj-f16.gguf")
        let fast = try VisionEncoder(path: path, textWidth: fixture.config.text_width)
        let exact = try VisionEncoder(path: path, textWidth: fixture.config.text_width, precision: .reference)
        XCTAssertEqual(fast.precision, .fast, "fast is the default")
        for (i, image) in fixture.images.enumerated() {
            let features = try fast.encode(pixels: image.pixels)
            let error = relativeError(features, image.features)
            XCTAssertLessThan(error, 2e-2, "image \(i)")
            let reference = try exact.encode(pixels: image.pixels)
            if bf16MatmulSupports(.f16) {
                XCTAssertNotEqual(features, reference, "image \(i): the bf16 kernel ran")
                XCTAssertGreaterThan(relativeError(features, [reference]), 1e-5, "image \(i): bf16 rounding shows")
            }
            print("mmproj-f16.gguf fast image \(i): features relative error \(error); vs f32 path \(relativeError(features, [reference]))")
        }
    }

    /// An F32 tower runs no reduced-precision kernel, so `.fast` keeps all of it in f32, its
    /// attention included (bf16 attention only follows bf16 or int8 products): bit for bit the
    /// `.reference` features.
    func testF32TowerIsExactAtFastPrecision() throws {
        let fixture = try TinyVisionFixture.load()
        let path = TinyVisionFixture.path("mmproj-f32.gguf")
        let fast = try VisionEncoder(path: path, textWidth: fixture.config.text_width)
        let exact = try VisionEncoder(path: path, textWidth: fixture.config.text_width, precision: .reference)
        for (i, image) in fixture.images.enumerated() {
            XCTAssertEqual(try fast.encode(pixels: image.pixels), try exact.encode(pixels: image.pixels), "image \(i)")
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
