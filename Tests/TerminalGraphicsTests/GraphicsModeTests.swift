import XCTest
@testable import TerminalGraphics

final class GraphicsModeTests: XCTestCase {
    func testAutomaticChoice() {
        let utf8 = ["TERM": "xterm-256color", "LANG": "en_US.UTF-8"]
        XCTAssertEqual(GraphicsMode.automatic(environment: utf8, sixelSupported: true), .sixel)
        XCTAssertEqual(GraphicsMode.automatic(environment: utf8, sixelSupported: false), .blocks)
        XCTAssertEqual(GraphicsMode.automatic(environment: ["TERM": "xterm", "LANG": "C"], sixelSupported: false), .ascii)
        XCTAssertEqual(GraphicsMode.automatic(environment: ["TERM": "xterm", "LANG": "C", "LC_ALL": "C.UTF-8"], sixelSupported: false), .blocks)
        XCTAssertEqual(GraphicsMode.automatic(environment: ["TERM": "dumb", "LANG": "C.UTF-8"], sixelSupported: true), .ascii)
        XCTAssertEqual(GraphicsMode.automatic(environment: ["LANG": "C.UTF-8"], sixelSupported: false), .ascii)
        var noColor = utf8
        noColor["NO_COLOR"] = "1"
        XCTAssertEqual(GraphicsMode.automatic(environment: noColor, sixelSupported: true), .ascii)
        noColor["NO_COLOR"] = ""
        XCTAssertEqual(GraphicsMode.automatic(environment: noColor, sixelSupported: true), .sixel, "an empty NO_COLOR does not count")
    }

    func testOverride() throws {
        XCTAssertEqual(try GraphicsMode.parseOverride("SIXEL"), .sixel)
        XCTAssertEqual(try GraphicsMode.parseOverride("blocks"), .blocks)
        XCTAssertNil(try GraphicsMode.parseOverride("auto"))
        XCTAssertNil(try GraphicsMode.parseOverride(nil))
        XCTAssertThrowsError(try GraphicsMode.parseOverride("kitty\u{1B}[2J")) { error in
            XCTAssertEqual("\(error)", "unknown graphics mode 'kitty[2J' (use sixel, blocks, ascii or auto)")
        }
    }

    func testColorDepth() {
        XCTAssertEqual(ColorDepth.detect(environment: ["COLORTERM": "truecolor"]), .trueColor)
        XCTAssertEqual(ColorDepth.detect(environment: ["COLORTERM": "24bit"]), .trueColor)
        XCTAssertEqual(ColorDepth.detect(environment: [:]), .palette256)
    }

    /// Real DA1 answers: xterm started as a VT340 lists 4; xterm's default VT420 answer
    /// and a VT100 do not.
    func testDeviceAttributes() {
        XCTAssertTrue(DeviceAttributes.announcesSixel("\u{1B}[?63;1;2;4;6;9;15;16;22;28c"))
        XCTAssertTrue(DeviceAttributes.announcesSixel("junk\u{1B}[?62;4c"))
        XCTAssertFalse(DeviceAttributes.announcesSixel("\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c"))
        XCTAssertFalse(DeviceAttributes.announcesSixel("\u{1B}[?1;2c"))
        XCTAssertFalse(DeviceAttributes.announcesSixel("\u{1B}[?4c"), "the first number is the terminal class")
        XCTAssertFalse(DeviceAttributes.announcesSixel("\u{1B}[?63;x4c"))
        XCTAssertFalse(DeviceAttributes.announcesSixel(""))
    }

    /// The fixed palette entries map to themselves.
    func testXtermPaletteNearestIsExactOnPaletteColours() {
        for i in 16...255 {
            let c = XtermPalette.color(i)
            XCTAssertEqual(XtermPalette.color(XtermPalette.nearest(c)), c, "index \(i)")
        }
    }
}
