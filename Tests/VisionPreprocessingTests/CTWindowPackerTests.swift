import XCTest
@testable import VisionPreprocessing

/// CT packing must give the bytes of Google's MedGemma CT notebook formula (computed with NumPy).
final class CTWindowPackerTests: XCTestCase {
    func testMatchesNotebookFormula() throws {
        let file: PreprocessingFixtures.CTWindowsFile = try PreprocessingFixtures.load("ct_windows.json")
        let windows = try file.windows.map { try HounsfieldWindow(lower: Float($0[0]), upper: Float($0[1])) }
        XCTAssertEqual(windows, CTWindowPacker.medGemmaWindows, "the notebook's windows are the defaults")
        let image = try CTWindowPacker.pack(hounsfield: file.hounsfield.map(Float.init),
                                            width: file.width, height: file.height)
        let expected = PreprocessingFixtures.bytes(file.expected)
        for (index, pair) in zip(image.pixels, expected).enumerated() where pair.0 != pair.1 {
            XCTFail("sample \(index) (HU \(file.hounsfield[index / 3]), channel \(index % 3)): \(pair.0) ≠ \(pair.1)")
        }
        XCTAssertEqual(image.pixels.count, expected.count)
    }

    func testGrayWindowAndValidation() throws {
        let window = try HounsfieldWindow(center: 40, width: 400)
        XCTAssertEqual(window, try HounsfieldWindow(lower: -160, upper: 240))
        let image = try CTWindowPacker.gray(hounsfield: [-1000, 40, 1000, .nan], width: 2, height: 2, window: window)
        XCTAssertEqual(image.pixels, [0, 0, 0, 128, 128, 128, 255, 255, 255, 0, 0, 0])
        XCTAssertThrowsError(try HounsfieldWindow(lower: 10, upper: 10))
        XCTAssertThrowsError(try CTWindowPacker.pack(hounsfield: [0, 0], width: 3, height: 1)) { error in
            XCTAssertEqual(error as? PreprocessingError, .sampleCountMismatch(expected: 3, actual: 2))
        }
    }
}
