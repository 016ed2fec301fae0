import XCTest
@testable import VisionPreprocessing

/// Normalised tensors must match `Gemma3ImageProcessorPil`'s pixel_values (≤ 1e-6; they are in fact identical).
final class PixelNormalizerTests: XCTestCase {
    func testMatchesTransformersPILProcessor() throws {
        let file: PreprocessingFixtures.NormalizeFile = try PreprocessingFixtures.load("normalize.json")
        let plain = file.runs.filter { $0.panAndScan == nil }
        XCTAssertEqual(plain.count, 2)
        for run in plain {
            let input = try RGBImage(width: run.width, height: run.height,
                                     pixels: PreprocessingFixtures.bytes(run.input))
            let parameters = try NormalizationParameters(mean: run.mean.map(Float.init), std: run.std.map(Float.init))
            let resized = try PillowBilinearResampler.resize(input, width: run.outWidth, height: run.outHeight)
            let values = PixelNormalizer.normalize(resized, with: parameters)
            XCTAssertEqual(run.shape, [1, 3, run.outHeight, run.outWidth], run.name)
            XCTAssertEqual(values.count, run.pixelValues.count, run.name)
            let worst = zip(values, run.pixelValues).map { abs(Double($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-6, run.name)
            // Same float32 operations in the same order: identical, not just close.
            XCTAssertEqual(values, run.pixelValues.map(Float.init), run.name)
        }
    }

    func testGemmaMapsEndpointsToMinusOneAndOne() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        let values = PixelNormalizer.normalize(image, with: .gemma3)
        XCTAssertEqual(values, [-1, 1, -1, 1, -1, 1])   // planar: R plane, G plane, B plane
    }

    func testPlanarLayoutPutsChannelsInSeparatePlanes() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 0, 0, 255])
        let values = PixelNormalizer.normalize(image, with: .gemma3)
        XCTAssertEqual(values, [1, -1, -1, -1, -1, 1])
    }

    func testRejectsBadParameters() {
        XCTAssertThrowsError(try NormalizationParameters(mean: [0.5, 0.5], std: [0.5, 0.5, 0.5]))
        XCTAssertThrowsError(try NormalizationParameters(mean: [0.5, 0.5, 0.5], std: [0.5, 0, 0.5]))
        XCTAssertThrowsError(try NormalizationParameters(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], rescaleFactor: 0))
    }
}
