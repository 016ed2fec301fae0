import TestSupport
import Foundation
import XCTest
@testable import TerminalGraphics

final class SixelEncoderTests: XCTestCase {
    /// Decodes the emitted sixels and compares every pixel with the source. Sixel colours
    /// are percentages, so a gray level comes back within ±2 of 255·p/100 rounding.
    func testGrayRoundTripsThroughADecoder() throws {
        for (w, h) in [(1, 1), (7, 5), (37, 23), (64, 48)] {
            let raster = TestRasters.gray(width: w, height: h)
            let decoded = try SixelDecoder(SixelEncoder.encode(raster))
            XCTAssertEqual(decoded.width, w)
            XCTAssertEqual(decoded.height, h)
            for y in 0..<h {
                for x in 0..<w {
                    guard let got = decoded.pixels[y * w + x] else { return XCTFail("pixel (\(x), \(y)) not drawn in \(w)×\(h)") }
                    let want = Int(raster.pixels[y * w + x])
                    XCTAssertEqual(got.0, got.1)
                    XCTAssertEqual(got.1, got.2, "a gray study must stay gray")
                    XCTAssertLessThanOrEqual(abs(got.0 - want), 2, "(\(x), \(y)) in \(w)×\(h)")
                }
            }
        }
    }

    /// More gray levels than registers: evenly spaced levels, error at most half a step.
    func testGrayWithFewRegisters() throws {
        let raster = TestRasters.gray(width: 40, height: 13)
        let decoded = try SixelDecoder(SixelEncoder.encode(raster, maxColors: 16))
        let step = 255.0 / 15
        for i in 0..<(40 * 13) {
            XCTAssertLessThanOrEqual(Double(abs(decoded.pixels[i]!.0 - Int(raster.pixels[i]))), step / 2 + 2)
        }
        let colours = Set(decoded.pixels.map { $0!.0 })
        XCTAssertLessThanOrEqual(colours.count, 16)
    }

    /// A colour picture through median cut: every pixel drawn, the palette limit respected,
    /// and errors no worse than a uniform grid of as many colours would give (this picture
    /// spans ~230 levels per channel: grid step s = 230/∛n, mean error below s/3, worst
    /// below s).
    func testColorRoundTripsWithinQuantisationError() throws {
        let (w, h) = (97, 61)
        let raster = TestRasters.color(width: w, height: h)
        for registers in [256, 64] {
            let text = SixelEncoder.encode(raster, maxColors: registers)
            let decoded = try SixelDecoder(text)
            var total = 0, worst = 0
            var colours = Set<Int>()
            for y in 0..<h {
                for x in 0..<w {
                    guard let got = decoded.pixels[y * w + x] else { return XCTFail("pixel (\(x), \(y)) not drawn") }
                    let want = raster.rgb(x: x, y: y)
                    let e = max(abs(got.0 - Int(want.r)), abs(got.1 - Int(want.g)), abs(got.2 - Int(want.b)))
                    total += e
                    worst = max(worst, e)
                    colours.insert(got.0 << 16 | got.1 << 8 | got.2)
                }
            }
            XCTAssertLessThanOrEqual(colours.count, registers)
            let step = 230 / cbrt(Double(registers))
            XCTAssertLessThan(Double(total) / Double(w * h), step / 3, "mean error with \(registers) registers")
            XCTAssertLessThan(Double(worst), step, "worst error with \(registers) registers")
        }
    }

    /// A flat picture is a few run-length repeats per band, not one byte per column.
    func testRunsAreCompressed() throws {
        let raster = Raster(width: 300, height: 12, channels: .gray, pixels: [UInt8](repeating: 90, count: 3600))
        let text = SixelEncoder.encode(raster)
        XCTAssertTrue(text.contains("!300~"), text)
        XCTAssertLessThan(text.utf8.count, 80)
        let decoded = try SixelDecoder(text)
        XCTAssertTrue(decoded.pixels.allSatisfy { $0 != nil })
    }

    /// Only sixel syntax inside the DCS: no other escape or control bytes that a terminal
    /// could act on.
    func testOutputIsOneDCSString() {
        let text = SixelEncoder.encode(TestRasters.color(width: 20, height: 20))
        let bytes = Array(text.utf8)
        XCTAssertEqual(bytes.filter { $0 == 0x1B }.count, 2)
        XCTAssertTrue(bytes.dropFirst(2).dropLast(2).allSatisfy { (0x20...0x7E).contains($0) })
        XCTAssertTrue(text.hasSuffix("\u{1B}\\"))
    }
}
