@testable import TUI
import XCTest

final class ColorModeTests: XCTestCase {
    func testModeFromColourCountAndNoColor() {
        XCTAssertEqual(ColorMode.choose(colors: 256, hasColors: true, noColor: nil), .indexed256)
        XCTAssertEqual(ColorMode.choose(colors: 0x100_0000, hasColors: true, noColor: nil), .direct)
        XCTAssertEqual(ColorMode.choose(colors: 88, hasColors: true, noColor: nil), .ansi8)
        XCTAssertEqual(ColorMode.choose(colors: 16, hasColors: true, noColor: nil), .ansi8)
        XCTAssertEqual(ColorMode.choose(colors: 8, hasColors: true, noColor: nil), .ansi8)
        XCTAssertEqual(ColorMode.choose(colors: 2, hasColors: true, noColor: nil), .monochrome)
        XCTAssertEqual(ColorMode.choose(colors: 256, hasColors: false, noColor: nil), .monochrome)
        // no-color.org: any non-empty value turns colour off; empty means unset.
        XCTAssertEqual(ColorMode.choose(colors: 0x100_0000, hasColors: true, noColor: "1"), .monochrome)
        XCTAssertEqual(ColorMode.choose(colors: 256, hasColors: true, noColor: "0"), .monochrome)
        XCTAssertEqual(ColorMode.choose(colors: 256, hasColors: true, noColor: ""), .indexed256)
    }

    func testNoColorGivesAttributesOnlyForEveryTheme() {
        let lightish = Theme(name: "x", styles: [.text: ThemeStyle(.indexed(0), on: .indexed(15), .underline)])
        for theme in [Theme.defaultDark, lightish] {
            let styles = ColorPairs.cellStyles(theme: theme, mode: .monochrome)
            for element in ThemeElement.allCases {
                XCTAssertEqual(styles[element], CellStyle(attributes: element.monochromeAttributes, pair: 0))
            }
            XCTAssertNil(ColorMode.monochrome.pairColors(for: theme[.text]))
        }
        // The status bar and selection must still stand out without colour.
        XCTAssertEqual(ThemeElement.statusBar.monochromeAttributes, .reverse)
        XCTAssertTrue(ThemeElement.selection.monochromeAttributes.contains(.reverse))
    }

    func testColourNumbersPerMode() {
        let red = ThemeColor.hex(0xff0000, 196)
        let indexOnly = ThemeColor.indexed(67)
        XCTAssertEqual(ColorMode.indexed256.cursesColor(red), 196)
        XCTAssertEqual(ColorMode.indexed256.cursesColor(.terminalDefault), -1)
        XCTAssertEqual(ColorMode.ansi8.cursesColor(red), 1)
        XCTAssertEqual(ColorMode.direct.cursesColor(red), 0xff0000)
        XCTAssertEqual(ColorMode.direct.cursesColor(indexOnly), 0x5f87af)  // from the palette
        XCTAssertEqual(ColorMode.direct.cursesColor(.indexed(4)), 4)       // the user's ANSI blue
        XCTAssertEqual(ColorMode.direct.cursesColor(.hex(0x000000, 16)), 8)  // below 8 would be ANSI
        XCTAssertEqual(ColorMode.direct.cursesColor(.terminalDefault), -1)
    }

    func testEightColoursNeverDrawTextInItsBackgroundColour() {
        // #4e4e4e on #1c1c1c: both black in 8 colours; the text becomes white.
        let border = ThemeStyle(.hex(0x4e4e4e, 239), on: .hex(0x1c1c1c, 234))
        XCTAssertEqual(ColorMode.ansi8.pairColors(for: border)?.foreground, 7)
        XCTAssertEqual(ColorMode.ansi8.pairColors(for: border)?.background, 0)
        // On a light background (white) the text becomes black.
        let pale = ThemeStyle(.hex(0xd0d0d0), on: .hex(0xeeeeee))
        XCTAssertEqual(ColorMode.ansi8.pairColors(for: pale)?.foreground, 0)
        // 256 colours keep them apart as they are.
        XCTAssertEqual(ColorMode.indexed256.pairColors(for: border)?.foreground, 239)
    }

    func testEightColoursReverseAnElementWhoseBackgroundMergesWithTheText() {
        // Dark: the status bar's #303030 and the text's #1c1c1c are both black.
        let dark = Theme.defaultDark
        XCTAssertEqual(ColorMode.ansi8.attributes(for: .statusBar, in: dark), .reverse)
        XCTAssertEqual(ColorMode.ansi8.attributes(for: .code, in: dark), .reverse)
        // The selection's #005f87 is cyan: it stands out by colour already.
        XCTAssertEqual(ColorMode.ansi8.attributes(for: .selection, in: dark), .bold)
        XCTAssertEqual(ColorMode.ansi8.attributes(for: .text, in: dark), [])
        XCTAssertEqual(ColorMode.ansi8.attributes(for: .heading, in: dark), .bold)
        XCTAssertEqual(ColorMode.indexed256.attributes(for: .statusBar, in: dark), [])
        // Orange (hue 30°) is the ANSI yellow, which terminals often show as brown.
        XCTAssertEqual(ThemeColor.nearestANSI(to: RGBColor(packed: 0xd7af87)), 3)
    }

    func testCellStylesAndSpanMapping() {
        let styles = ColorPairs.cellStyles(theme: .defaultDark, mode: .indexed256)
        XCTAssertEqual(styles[.text], CellStyle(attributes: [], pair: 1))
        XCTAssertEqual(styles[.reportHeading]?.attributes, [.bold, .underline])
        XCTAssertEqual(Set(styles.values.map(\.pair)).count, ThemeElement.allCases.count)
        XCTAssertEqual(Int(ColorPairs.pairNumber(of: .reportHeading)), ThemeElement.allCases.count)

        let pairs = ColorPairs(mode: .indexed256, theme: .defaultDark)
        XCTAssertEqual(pairs.style(for: [.code, .bold]).pair, ColorPairs.pairNumber(of: .code))
        XCTAssertEqual(pairs.style(for: [.code, .bold]).attributes, .bold)
        XCTAssertEqual(pairs.style(for: [.italic], in: .overlay),
                       CellStyle(attributes: .italic, pair: ColorPairs.pairNumber(of: .overlay)))
        XCTAssertEqual(pairs.style(for: .heading), pairs[.heading])
        let plain = ColorPairs(mode: .monochrome, theme: .defaultDark)
        XCTAssertEqual(plain.style(for: .code), CellStyle(attributes: .reverse, pair: 0))

        pairs.apply(Theme(name: "bare", styles: [.text: .plain]))
        XCTAssertEqual(pairs.theme.name, "bare")
        XCTAssertEqual(pairs[.heading].attributes, [])  // left out: text's colours, no attributes
    }
}
