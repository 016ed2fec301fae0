import XCTest
@testable import VisionPreprocessing

/// "What the model sees" must give back exactly the bytes that were normalised.
final class ModelInputRendererTests: XCTestCase {
    func testRoundTripsEveryLevelForGemmaAndPerChannelParameters() throws {
        var levels: [UInt8] = []
        for level in 0..<256 {
            levels += [UInt8(level), UInt8(255 - level), UInt8((level * 7) % 256)]
        }
        let image = try RGBImage(width: 16, height: 16, pixels: levels)
        let clip = try NormalizationParameters(mean: [0.48145466, 0.4578275, 0.40821073],
                                               std: [0.26862954, 0.26130258, 0.27577711])
        for parameters in [NormalizationParameters.gemma3, clip] {
            let values = PixelNormalizer.normalize(image, with: parameters)
            let shown = try ModelInputRenderer.image(fromPixelValues: values, width: 16, height: 16,
                                                     normalization: parameters)
            XCTAssertEqual(shown, image)
        }
    }

    func testClipsOutOfRangeValuesAndChecksSize() throws {
        let shown = try ModelInputRenderer.image(fromPixelValues: [-3, 3, .nan], width: 1, height: 1,
                                                 normalization: .gemma3)
        XCTAssertEqual(shown.pixels, [0, 255, 0])
        XCTAssertThrowsError(try ModelInputRenderer.image(fromPixelValues: [0, 0], width: 1, height: 1,
                                                          normalization: .gemma3)) { error in
            XCTAssertEqual(error as? PreprocessingError, .sampleCountMismatch(expected: 3, actual: 2))
        }
    }
}
