import Foundation
import TestSupport
import XCTest
@testable import TerminalGraphics

/// The sixel stream shown by a real sixel terminal (xterm as a VT340 under Xvfb): the
/// screenshot must contain the picture, pixel for pixel, in the palette colours.
final class SixelXtermTests: XCTestCase {
    func testXtermDrawsTheEncodedPicture() throws {
        for (registers, raster) in [(256, TestRasters.color(width: 96, height: 61)), (16, TestRasters.gray(width: 50, height: 40))] {
            let sixel = SixelEncoder.encode(raster, maxColors: registers)
            let expected = try SixelDecoder(sixel)
            let path = NSTemporaryDirectory() + "sixel-\(UUID().uuidString).six"
            try ("\u{1B}[H" + sixel).write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            // The cursor is hidden first: it would sit on the picture's last rows.
            let screen = try XtermScreenshot.capture(command: "printf '\\033[?25l'; cat '\(path)'; touch \"$DONE\"",
                                                     colorRegisters: registers)

            // xterm draws at the top-left of its text area, inside its border: find the
            // offset (a few pixels) where the picture matches best, then require every
            // pixel to be the palette colour (xterm scales sixel percentages itself: ±3).
            var best: (error: Int, dx: Int, dy: Int) = (Int.max, 0, 0)
            for dy in 0..<12 {
                for dx in 0..<12 {
                    var error = 0
                    for y in stride(from: 0, to: raster.height, by: 5) {
                        for x in stride(from: 0, to: raster.width, by: 5) {
                            let want = expected.pixels[y * raster.width + x]!
                            let got = screen.rgb(x: x + dx, y: y + dy)
                            error += abs(got.0 - want.0) + abs(got.1 - want.1) + abs(got.2 - want.2)
                        }
                    }
                    if error < best.error { best = (error, dx, dy) }
                }
            }
            var worst = 0
            for y in 0..<raster.height {
                for x in 0..<raster.width {
                    let want = expected.pixels[y * raster.width + x]!
                    let got = screen.rgb(x: x + best.dx, y: y + best.dy)
                    worst = max(worst, abs(got.0 - want.0), abs(got.1 - want.1), abs(got.2 - want.2))
                }
            }
            XCTAssertLessThanOrEqual(worst, 3, "\(registers) registers: xterm's pixels differ from the sixel palette by up to \(worst)")
        }
    }
}
