import Foundation
import TestSupport
import TUI
import XCTest

final class ThemeParserTests: XCTestCase {
    /// The repository's `Themes/`, from this file's place in `Tests/TUITests/`.
    static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes").path

    private func shipped(_ name: String) throws -> Theme {
        try ThemeParser.parseFile(atPath: Self.themesDirectory + "/\(name).theme")
    }

    private func error(_ text: String, file: String = "Themes/x.theme") -> String? {
        do {
            _ = try ThemeParser.parse(text, name: "x", file: file)
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Shipped themes

    func testEveryShippedThemeParsesAndDefinesEveryElement() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory)
            .filter { $0.hasSuffix(".theme") }.sorted()
        for name in ["dark", "light", "high-contrast"] { XCTAssertTrue(files.contains(name + ".theme"), name) }
        for file in files {
            let path = Self.themesDirectory + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let defined = try ThemeParser.definitions(text, file: file)
            XCTAssertEqual(Set(defined.keys), Set(ThemeElement.allCases), "\(file) leaves elements out")
            let theme = try ThemeParser.parseFile(atPath: path)
            XCTAssertEqual(theme.name, String(file.dropLast(".theme".count)))
            // Every shipped colour is exact: hex and index both given, the index the hex's nearest.
            for element in ThemeElement.allCases {
                for color in [theme[element].foreground, theme[element].background] {
                    guard let rgb = color.rgb else { return XCTFail("\(file) \(element): no hex") }
                    XCTAssertEqual(color.index, ThemeColor.nearest256(to: rgb), "\(file) \(element) \(rgb.hex)")
                }
            }
        }
    }

    func testBuiltInDefaultEqualsDarkThemeFile() throws {
        let dark = try shipped("dark")
        for element in ThemeElement.allCases {
            XCTAssertEqual(dark[element], Theme.defaultDark[element], "\(element)")
        }
        XCTAssertTrue(dark == Theme.defaultDark, "dark.theme differs from Theme.defaultDark")
    }

    func testHighContrastIsAtLeastSevenToOneEverywhere() throws {
        let theme = try shipped("high-contrast")
        for element in ThemeElement.allCases {
            let style = theme[element]
            let ratio = RGBColor.contrastRatio(style.foreground.rgb!, style.background.rgb!)
            XCTAssertGreaterThanOrEqual(ratio, 7, "\(element): \(style.foreground.rgb!.hex) on \(style.background.rgb!.hex)")
            XCTAssertFalse(style.attributes.contains(.dim), "\(element) is dim")
        }
    }

    func testDarkAndLightBodyTextIsReadable() throws {
        for name in ["dark", "light"] {
            let theme = try shipped(name)
            for element in [ThemeElement.text, .inputText, .statusBar, .selection, .overlay, .codeBlock, .statusBarError] {
                let style = theme[element]
                XCTAssertGreaterThanOrEqual(RGBColor.contrastRatio(style.foreground.rgb!, style.background.rgb!), 4.5,
                                            "\(name) \(element)")
            }
        }
    }

    // MARK: Format

    func testFormatVariants() throws {
        let theme = try ThemeParser.parse("""
            \u{FEFF}# comment
              # indented comment

            text = default on default
            pane-border = 239\r
            selection = bright-white on #005f87, bold reverse
            heading=#ffd787/222,bold,underline
            code = red on 16 ,  italic   dim
            """, name: "t", file: "t.theme")
        XCTAssertEqual(theme.name, "t")
        XCTAssertEqual(theme[.text], ThemeStyle(.terminalDefault, on: .terminalDefault))
        XCTAssertEqual(theme[.paneBorder], ThemeStyle(.indexed(239), on: .terminalDefault))
        XCTAssertEqual(theme[.selection],
                       ThemeStyle(.indexed(15), on: .color(index: 24, rgb: RGBColor(packed: 0x005f87)), [.bold, .reverse]))
        XCTAssertEqual(theme[.heading], ThemeStyle(.hex(0xffd787, 222), on: .terminalDefault, [.bold, .underline]))
        XCTAssertEqual(theme[.code], ThemeStyle(.indexed(1), on: .indexed(16), [.italic, .dim]))
        // Left out: text's colours, no attributes.
        XCTAssertEqual(theme[.warning], theme[.text])
    }

    func testMissingBackgroundIsTextsBackgroundWhereverTextIsDefined() throws {
        let theme = try ThemeParser.parse("note = 245\ntext = 252 on 234\n", name: "t", file: "t")
        XCTAssertEqual(theme[.note], ThemeStyle(.indexed(245), on: .indexed(234)))
    }

    // MARK: Errors

    func testErrorsNameFileAndLine() {
        XCTAssertEqual(error("text = 252 on 234\n\n# c\nnote = bleu"), "Themes/x.theme:4: unknown colour 'bleu'")
        XCTAssertEqual(error("text = 252\npane-bordr = 239"), "Themes/x.theme:2: unknown element 'pane-bordr'")
        XCTAssertEqual(error("text = 252\npane_border = 239"), "Themes/x.theme:2: unknown element 'pane_border'")
        XCTAssertEqual(error("text = #12345g"), "Themes/x.theme:1: bad hex colour '#12345g' (expected #rrggbb)")
        XCTAssertEqual(error("text = #fff"), "Themes/x.theme:1: bad hex colour '#fff' (expected #rrggbb)")
        XCTAssertEqual(error("text = 300"), "Themes/x.theme:1: colour index '300' is not in 0–255")
        XCTAssertEqual(error("text = 99999999999999999999999"),
                       "Themes/x.theme:1: colour index '99999999999999999999999' is not in 0–255")
        XCTAssertEqual(error("text = #ffffff/256"), "Themes/x.theme:1: colour index '256' is not in 0–255")
        XCTAssertEqual(error("text = #ffffff/"), "Themes/x.theme:1: colour index '' is not in 0–255")
        XCTAssertEqual(error("text = 1\nnote = 2\ntext = 3"), "Themes/x.theme:3: 'text' is already defined on line 1")
        XCTAssertEqual(error("text = 1, blink"),
                       "Themes/x.theme:1: unknown attribute 'blink' (use bold, italic, dim, underline, reverse)")
        XCTAssertEqual(error("text = 1 on"), "Themes/x.theme:1: expected 'colour' or 'colour on colour', found '1 on'")
        XCTAssertEqual(error("text = 1 over 2"),
                       "Themes/x.theme:1: expected 'colour' or 'colour on colour', found '1 over 2'")
        XCTAssertEqual(error("text ="), "Themes/x.theme:1: 'text' has no colour")
        XCTAssertEqual(error("text 252"),
                       "Themes/x.theme:1: expected 'element = colour [on colour][, attributes]', found 'text 252'")
        XCTAssertEqual(error("note = 1"), "Themes/x.theme: 'text' is not defined (every theme needs it)")
        XCTAssertEqual(error(""), "Themes/x.theme: 'text' is not defined (every theme needs it)")
        // CR LF line ends count lines like LF.
        XCTAssertEqual(error("text = 1\r\n\r\nnote = x\r\n"), "Themes/x.theme:3: unknown colour 'x'")
    }

    func testHostileInputIsQuotedAndCut() {
        let message = error("text = 1\n\u{1B}[31mred\u{07} = 1") ?? ""
        XCTAssertEqual(message, "Themes/x.theme:2: unknown element '?[31mred?'")
        let long = String(repeating: "a", count: 5000)
        XCTAssertEqual(error("text = \(long)"), "Themes/x.theme:1: unknown colour '\(String(repeating: "a", count: 40))…'")
        XCTAssertEqual(error("text = 1\nnote = 1\u{0}"), "Themes/x.theme:2: unknown colour '1?'")
    }

    func testSizeCapAndUnreadableFiles() throws {
        let big = String(repeating: "# padding\n", count: 7000)  // 70 000 bytes
        XCTAssertEqual(error("text = 1\n" + big), "Themes/x.theme: larger than 64 KiB, not a theme")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("theme-parser-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(("text = 1\n" + big).utf8).write(to: URL(fileURLWithPath: directory + "/big.theme"))
        try Data([0x74, 0x65, 0x78, 0x74, 0x20, 0x3D, 0x20, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: directory + "/bin.theme"))
        XCTAssertThrowsError(try ThemeParser.parseFile(atPath: directory + "/big.theme", displayPath: "big.theme")) {
            XCTAssertEqual("\($0)", "big.theme: larger than 64 KiB, not a theme")
        }
        XCTAssertThrowsError(try ThemeParser.parseFile(atPath: directory + "/bin.theme", displayPath: "bin.theme")) {
            XCTAssertEqual("\($0)", "bin.theme: not UTF-8 text")
        }
        XCTAssertThrowsError(try ThemeParser.parseFile(atPath: directory + "/none.theme", displayPath: "none.theme")) {
            XCTAssertEqual("\($0)", "none.theme: cannot read the theme (no such file)")
        }
        XCTAssertThrowsError(try ThemeParser.parseFile(atPath: directory, displayPath: "dir")) {
            XCTAssertEqual("\($0)", "dir: cannot read the theme (not a regular file)")
        }
        XCTAssertThrowsError(try ThemeParser.parseFile(atPath: "/dev/zero", displayPath: "zero")) {
            XCTAssertEqual("\($0)", "zero: cannot read the theme (not a regular file)")
        }
    }

    func testRandomBytesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("text=on#/,0123456789abcdefxyz -\n\r\t\u{0}é😀".unicodeScalars)
        for _ in 0..<1000 {
            let length = Int.random(in: 0..<200, using: &generator)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
            _ = try? ThemeParser.parse(text, name: "fuzz", file: "fuzz")
        }
    }

    /// The status bar's form names the file without its folders.
    func testShortDescriptionDropsTheFolders() {
        let error = ThemeError.invalidLine(file: "/home/a/.config/medgemma/themes/mine.theme", line: 3, message: "unknown colour 'bleu'")
        XCTAssertEqual(error.description, "/home/a/.config/medgemma/themes/mine.theme:3: unknown colour 'bleu'")
        XCTAssertEqual(error.shortDescription, "mine.theme:3: unknown colour 'bleu'")
    }
}
