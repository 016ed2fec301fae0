import XCTest
@testable import VisionPreprocessing

/// Crop rectangles must be exactly those of `Gemma3ImageProcessorPil.pan_and_scan`.
final class PanAndScanTests: XCTestCase {
    func testCropRectanglesMatchTransformers() throws {
        let file: PreprocessingFixtures.PanAndScanFile = try PreprocessingFixtures.load("pan_and_scan.json")
        XCTAssertGreaterThanOrEqual(file.cases.count, 15)
        for fixture in file.cases {
            let options = try PanAndScanOptions(minCropSize: fixture.minCropSize, maxCrops: fixture.maxCrops,
                                                minRatioToActivate: fixture.minRatioToActivate)
            let rects = PanAndScan.cropRects(width: fixture.width, height: fixture.height, options: options)
            let expected = fixture.crops.map { PixelRect(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
            XCTAssertEqual(rects, expected, "\(fixture.width)×\(fixture.height) max \(fixture.maxCrops)")
        }
    }

    func testDefaultsAreTransformers() {
        XCTAssertEqual(PanAndScanOptions.gemma3.minCropSize, 256)
        XCTAssertEqual(PanAndScanOptions.gemma3.maxCrops, 4)
        XCTAssertEqual(PanAndScanOptions.gemma3.minRatioToActivate, 1.2)
        XCTAssertEqual(PanAndScan.cropRects(width: 1000, height: 1000), [])
        XCTAssertThrowsError(try PanAndScanOptions(minCropSize: 0))
        XCTAssertThrowsError(try PanAndScanOptions(maxCrops: 0))
    }
}
