import TUI
import XCTest

final class ThemeColorTests: XCTestCase {
    private func rgb(_ packed: UInt32) -> RGBColor { RGBColor(packed: packed) }

    func testHexParsing() {
        XCTAssertEqual(RGBColor(hex: "#ff8000"), RGBColor(red: 255, green: 128, blue: 0))
        XCTAssertEqual(RGBColor(hex: "#FFfF00")?.packed, 0xffff00)
        XCTAssertEqual(RGBColor(packed: 0x00010a).hex, "#00010a")
        for bad in ["ff8000", "#ff800", "#ff80000", "#ff800g", "#", "", "#１２３４５６", "#+12345"] {
            XCTAssertNil(RGBColor(hex: bad), bad)
        }
    }

    func testXtermPalette() {
        XCTAssertEqual(RGBColor.xterm(1), rgb(0xcd0000))
        XCTAssertEqual(RGBColor.xterm(16), rgb(0x000000))
        XCTAssertEqual(RGBColor.xterm(67), rgb(0x5f87af))   // 16 + 36·1 + 6·2 + 3
        XCTAssertEqual(RGBColor.xterm(196), rgb(0xff0000))  // 16 + 36·5
        XCTAssertEqual(RGBColor.xterm(231), rgb(0xffffff))
        XCTAssertEqual(RGBColor.xterm(232), rgb(0x080808))
        XCTAssertEqual(RGBColor.xterm(244), rgb(0x808080))  // 8 + 10·12 = 128
        XCTAssertEqual(RGBColor.xterm(255), rgb(0xeeeeee))
    }

    func testNearest256ByHand() {
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0xff0000)), 196)
        // Grey 128: the ramp has 8 + 10·12 = 128 exactly (244); the cube's nearest, 135³, is 3·7² away.
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0x808080)), 244)
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0x000000)), 16)
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0xffffff)), 231)
        // 10,10,10: cube black is 300 away, ramp 8 (232) only 12.
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0x0a0a0a)), 232)
        // 255,136,0 → levels 5, 2 (135), 0 → 16 + 180 + 12 + 0.
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0xff8800)), 208)
        // Exact cube colours map to themselves.
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0x5f87af)), 67)
        XCTAssertEqual(ThemeColor.nearest256(to: rgb(0xd7af87)), 180)
        // Every index 16–255 is its own nearest (the palette has no duplicates there).
        for index in UInt8(16)...255 {
            XCTAssertEqual(ThemeColor.nearest256(to: .xterm(index)), index, "\(index)")
        }
    }

    func testNearestANSIByHand() {
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0xff0000)), 1)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0x808080)), 7)  // a grey, average 128 ≥ 100
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0x303030)), 0)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0x5fafd7)), 6)  // hue 200°: cyan (180°)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0x0000ff)), 4)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0xff00ff)), 5)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0xd7af5f)), 3)  // hue 40°: yellow (60°)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0xaf0000)), 1)
        XCTAssertEqual(ThemeColor.nearestANSI(to: rgb(0xff005f)), 1)  // hue 338°: red (360°)
        // Index-only colours 0–15 keep their ANSI colour (bright ones lose brightness).
        XCTAssertEqual(ThemeColor.indexed(3).nearestANSI, 3)
        XCTAssertEqual(ThemeColor.indexed(12).nearestANSI, 4)
        XCTAssertEqual(ThemeColor.indexed(196).nearestANSI, 1)
        XCTAssertNil(ThemeColor.terminalDefault.nearestANSI)
    }

    func testHexColourGetsNearestIndexWhenNoneGiven() {
        XCTAssertEqual(ThemeColor.hex(0xff0000), .color(index: 196, rgb: rgb(0xff0000)))
        XCTAssertEqual(ThemeColor.hex(0xff0000, 9), .color(index: 9, rgb: rgb(0xff0000)))
        XCTAssertEqual(ThemeColor.indexed(244).approximateRGB, rgb(0x808080))
        XCTAssertNil(ThemeColor.terminalDefault.approximateRGB)
    }

    func testContrastRatio() {
        XCTAssertEqual(RGBColor.contrastRatio(rgb(0x000000), rgb(0xffffff)), 21, accuracy: 1e-9)
        XCTAssertEqual(RGBColor.contrastRatio(rgb(0x777777), rgb(0x777777)), 1, accuracy: 1e-9)
        // #767676 on white is the well-known 4.54:1 (just passes WCAG AA).
        XCTAssertEqual(RGBColor.contrastRatio(rgb(0x767676), rgb(0xffffff)), 4.54, accuracy: 0.01)
    }
}
