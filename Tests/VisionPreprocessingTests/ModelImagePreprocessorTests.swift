import Support
import MedImaging
import Workstation
import XCTest
import TestSupport
@testable import VisionPreprocessing

/// The whole pipeline against `Gemma3ImageProcessorPil`, with and without pan-and-scan,
/// and on real sample images against digests of Pillow's and transformers' outputs.
final class ModelImagePreprocessorTests: XCTestCase {
    func testPanAndScanRunsMatchTransformers() throws {
        let file: PreprocessingFixtures.NormalizeFile = try PreprocessingFixtures.load("normalize.json")
        let runs = file.runs.filter { $0.panAndScan != nil }
        XCTAssertEqual(runs.count, 2)
        for run in runs {
            let settings = try XCTUnwrap(run.panAndScan)
            let preprocessor = try ModelImagePreprocessor(
                width: run.outWidth, height: run.outHeight,
                normalization: NormalizationParameters(mean: run.mean.map(Float.init), std: run.std.map(Float.init)),
                panAndScan: PanAndScanOptions(minCropSize: settings.minCropSize, maxCrops: settings.maxCrops,
                                              minRatioToActivate: settings.minRatioToActivate))
            let input = try RGBImage(width: run.width, height: run.height, pixels: PreprocessingFixtures.bytes(run.input))
            let images = try preprocessor.preprocess(input)
            XCTAssertEqual(images.count, 1 + run.numCrops[0], run.name)
            XCTAssertEqual(run.shape, [images.count, 3, run.outHeight, run.outWidth], run.name)
            XCTAssertEqual(images.map(\.role), [.original] + (0..<run.numCrops[0]).map { .crop(index: $0) })
            XCTAssertEqual(images[0].source, PixelRect(width: run.width, height: run.height))
            let values = images.flatMap(\.pixelValues)
            XCTAssertEqual(values.count, run.pixelValues.count, run.name)
            let worst = zip(values, run.pixelValues).map { abs(Double($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-6, run.name)
        }
    }

    func testWithoutPanAndScanOnlyTheOriginal() throws {
        let input = try RGBImage(width: 3000, height: 10, pixels: [UInt8](repeating: 9, count: 3000 * 10 * 3))
        let images = try ModelImagePreprocessor(width: 8, height: 8).preprocess(input)
        XCTAssertEqual(images.count, 1)
        XCTAssertEqual(images[0].modelView(), try RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 9, count: 192)))
    }

    /// Real samples: RGBA dermatology (upscaled to 896 and shrunk to a non-square size) and a
    /// gray chest X-ray (slight non-uniform shrink), against sha256 digests the script recorded.
    func testSampleImagesMatchPillowAndTransformers() throws {
        let file: PreprocessingFixtures.SamplesFile = try PreprocessingFixtures.load("samples.json")
        XCTAssertEqual(file.samples.count, 3)
        for sample in file.samples {
            let path = TestEnvironment.fixture(sample.path).path
            let rgb = try RGBImage(PNGDecoder.decode(path: path))
            let resized = try PillowBilinearResampler.resize(rgb, width: sample.outWidth, height: sample.outHeight)
            XCTAssertEqual(SHA256.hex(of: resized.pixels), sample.resizedSHA256, "\(sample.path) → \(sample.outWidth)×\(sample.outHeight)")
            if let expected = sample.pixelValuesSHA256 {
                let images = try ModelImagePreprocessor().preprocess(rgb)
                XCTAssertEqual(SHA256.hex(of: images[0].pixelValues), expected, "pixel_values of \(sample.path)")
                XCTAssertEqual(images[0].modelView(), resized, "what the model sees is the resized image")
            }
        }
    }
}
