import MedImaging
import XCTest
@testable import VisionPreprocessing

/// Gray, gray + alpha and RGBA must become the RGB that transformers' `convert_to_rgb` makes.
final class RGBImageConversionTests: XCTestCase {
    func testMatchesTransformersConvertToRGB() throws {
        let file: PreprocessingFixtures.ConvertFile = try PreprocessingFixtures.load("convert.json")
        XCTAssertEqual(file.cases.map(\.channels), [1, 2, 4])
        for fixture in file.cases {
            let image = try RGBImage(interleaved: PreprocessingFixtures.bytes(fixture.input),
                                     channelCount: fixture.channels, width: fixture.width, height: fixture.height)
            XCTAssertEqual(image.pixels, PreprocessingFixtures.bytes(fixture.expected), fixture.mode)
        }
    }

    func testDecodedImageAndValidation() throws {
        let decoded = DecodedImage(width: 1, height: 1, channels: .grayAlpha, pixels: .eight([200, 0]))
        XCTAssertEqual(try RGBImage(decoded).pixels, [255, 255, 255])
        let deep = DecodedImage(width: 1, height: 1, channels: .gray, pixels: .sixteen([1000]))
        XCTAssertThrowsError(try RGBImage(deep)) { error in
            XCTAssertEqual(error as? PreprocessingError, .unsupportedBitDepth(16))
        }
        XCTAssertThrowsError(try RGBImage(width: 2, height: 2, pixels: [0, 0, 0]))
        XCTAssertThrowsError(try RGBImage(interleaved: [0], channelCount: 5, width: 1, height: 1))
    }

    func testCropCopiesTheRectangleAndRejectsOutside() throws {
        let pixels = (0..<(4 * 3 * 3)).map { UInt8($0) }
        let image = try RGBImage(width: 4, height: 3, pixels: pixels)
        let crop = try image.cropped(to: PixelRect(x: 1, y: 1, width: 2, height: 2))
        XCTAssertEqual(crop.pixels, [15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32])
        XCTAssertThrowsError(try image.cropped(to: PixelRect(x: 3, y: 0, width: 2, height: 1)))
        XCTAssertThrowsError(try image.cropped(to: PixelRect(x: 0, y: 0, width: 0, height: 1)))
    }
}
