import XCTest
@testable import TerminalGraphics

final class ASCIIRendererTests: XCTestCase {
    /// Black is a space, white the densest character; two pixel rows make one line, and
    /// brightness rounds to the nearest of the ten ramp steps.
    func testRampEndsAndSteps() {
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 0), " ")
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 255), "@")
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 255, darkBackground: false), " ")
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 14), " ")   // 14·9/255 = 0.49 → step 0
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 15), ".")   // 0.53 → step 1
        XCTAssertEqual(ASCIIRenderer.character(forLuma: 128), "+")  // 4.52 → step 5 of " .:-=+*#%@"
    }

    /// A horizontal gradient never gets darker to the right, and the pixel pairs are
    /// averaged: rows (0, 255) make the middle of the ramp.
    func testGradientAndRowPairs() {
        let g = Raster(width: 256, height: 2, channels: .gray, pixels: (0..<512).map { UInt8($0 % 256) })
        let line = ASCIIRenderer.lines(g)
        XCTAssertEqual(line.count, 1)
        let steps = line[0].map { ASCIIRenderer.ramp.firstIndex(of: $0)! }
        XCTAssertEqual(steps, steps.sorted())
        XCTAssertEqual(steps.first, 0)
        XCTAssertEqual(steps.last, 9)
        let pair = Raster(width: 1, height: 3, channels: .gray, pixels: [0, 255, 255])
        XCTAssertEqual(ASCIIRenderer.lines(pair), [String(ASCIIRenderer.character(forLuma: 128)), "@"])
    }

    /// Colour pixels use their Rec. 601 luma: pure green is brighter than pure blue.
    func testColorUsesLuma() {
        let rgb = Raster(width: 2, height: 1, channels: .rgb, pixels: [0, 255, 0, 0, 0, 255])
        let line = Array(ASCIIRenderer.lines(rgb)[0])
        XCTAssertEqual(line[0], ASCIIRenderer.character(forLuma: 150))
        XCTAssertEqual(line[1], ASCIIRenderer.character(forLuma: 29))
    }
}
