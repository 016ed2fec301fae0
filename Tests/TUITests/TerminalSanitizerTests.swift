import TUI
import XCTest

/// Hostile strings a model, a case file or a DICOM tag could contain. Each must come
/// out with its escape sequence consumed whole (no "[2J" or "52;c;…" left behind) and
/// its visible text intact.
final class TerminalSanitizerTests: XCTestCase {
    private let multi = TerminalSanitizer.multiLine
    private let single = TerminalSanitizer.singleLine

    func testOSC52ClipboardWriteIsConsumedWithItsBELTerminator() {
        XCTAssertEqual(multi.sanitize("copy\u{1B}]52;c;cm0gLXJmIH4=\u{07}done"), "copydone")
        // Same with the ESC \ string terminator, and with the 8-bit OSC and ST.
        XCTAssertEqual(multi.sanitize("a\u{1B}]52;c;cm0=\u{1B}\\b"), "ab")
        XCTAssertEqual(multi.sanitize("a\u{9D}0;evil title\u{9C}b"), "ab")
    }

    func testCSISequencesAreConsumed() {
        XCTAssertEqual(multi.sanitize("\u{1B}[2Jcleared?"), "cleared?")
        XCTAssertEqual(multi.sanitize("\u{1B}[38;2;255;0;0mred\u{1B}[0m"), "red")
        XCTAssertEqual(multi.sanitize("\u{1B}[?1049hscreen"), "screen")
        XCTAssertEqual(multi.sanitize("\u{1B}[1;1H\u{1B}[Kx"), "x")
        // 8-bit CSI (0x9B) as a Unicode scalar.
        XCTAssertEqual(multi.sanitize("\u{9B}31mred"), "red")
    }

    func testDeviceControlAndPrivateStringsAreConsumed() {
        XCTAssertEqual(multi.sanitize("a\u{1B}P1$r0m\u{1B}\\b"), "ab")                // DCS
        XCTAssertEqual(multi.sanitize("a\u{1B}_Gf=100;AAAA\u{1B}\\b"), "ab")          // APC (kitty graphics)
        XCTAssertEqual(multi.sanitize("a\u{1B}^private\u{1B}\\b"), "ab")              // PM
        XCTAssertEqual(multi.sanitize("a\u{1B}Xstring\u{1B}\\b"), "ab")               // SOS
        XCTAssertEqual(multi.sanitize("a\u{90}dcs\u{9C}b\u{9F}apc\u{07}c"), "abc")    // 8-bit DCS, APC
        // An unterminated string swallows the rest: better than printing its payload.
        XCTAssertEqual(multi.sanitize("ok\u{1B}]0;title never ends"), "ok")
        // An ESC inside a string ends it and starts a new sequence, which is consumed too.
        XCTAssertEqual(multi.sanitize("\u{1B}]0;x\u{1B}[2Jy"), "y")
    }

    func testOtherEscapeSequencesAndLoneEscape() {
        XCTAssertEqual(multi.sanitize("\u{1B}(Bx\u{1B}7y\u{1B}8\u{1B}cz"), "xyz")
        XCTAssertEqual(multi.sanitize("\u{1B}#8e"), "e")
        XCTAssertEqual(multi.sanitize("end\u{1B}"), "end")
        XCTAssertEqual(multi.sanitize("\u{1B}\u{1B}[31mx"), "x")
        XCTAssertEqual(multi.sanitize("\u{1B}é"), "é")  // ESC before a non-ASCII character: only ESC goes
    }

    func testControlCharactersAndDELAreDropped() {
        XCTAssertEqual(multi.sanitize("a\u{00}b\u{07}c\u{08}d\u{7F}e\u{0C}f"), "abcdef")
        XCTAssertEqual(multi.sanitize("a\u{85}b\u{8D}c\u{9C}d"), "abcd")  // 8-bit C1: NEL, RI, ST
    }

    func testNewlinesAndTabsAsTheCallerAllows() {
        XCTAssertEqual(multi.sanitize("a\r\nb\rc\nd\u{2028}e"), "a\nb\nc\nd\ne")
        XCTAssertEqual(multi.sanitize("\tx"), "    x")
        XCTAssertEqual(TerminalSanitizer(tabWidth: nil).sanitize("a\tb"), "a\tb")
        XCTAssertEqual(single.sanitize("Patient\nName\tX"), "Patient Name X")
        XCTAssertEqual(single.sanitize("line\n"), "line ")
    }

    func testBidiControlsAreShownVisibly() {
        // "Trojan Source": RLO would make the rest read right to left.
        XCTAssertEqual(multi.sanitize("abc\u{202E}fed"), "abc<U+202E>fed")
        XCTAssertEqual(multi.sanitize("\u{202A}\u{202B}\u{202C}\u{202D}"), "<U+202A><U+202B><U+202C><U+202D>")
        XCTAssertEqual(multi.sanitize("x\u{2066}y\u{2067}\u{2068}\u{2069}"), "x<U+2066>y<U+2067><U+2068><U+2069>")
    }

    func testNoncharactersAndLoneSurrogates() {
        // Built from scalars: Swift rejects noncharacters in string literals.
        let scalars = [0x61, 0xFFFE, 0x62, 0xFDD0, 0x63, 0x10FFFF].map { Character(Unicode.Scalar($0)!) }
        XCTAssertEqual(multi.sanitize(String(scalars)), "a\u{FFFD}b\u{FFFD}c\u{FFFD}")
        // ED A0 80 is the (invalid) UTF-8 of the lone surrogate U+D800.
        let cleaned = multi.sanitize(utf8: [0x61, 0xED, 0xA0, 0x80, 0x62] as [UInt8])
        XCTAssertTrue(cleaned.hasPrefix("a") && cleaned.hasSuffix("b"))
        XCTAssertTrue(cleaned.dropFirst().dropLast().unicodeScalars.allSatisfy { $0 == "\u{FFFD}" }, cleaned.debugDescription)
    }

    func testOrdinaryTextIsUnchanged() {
        for text in ["Chest X-ray: no acute findings.", "胸部X線 검사 🩻 🫁 ✅", "e\u{0301}", "👨\u{200D}👩\u{200D}👧",
                     "first\nsecond", "Müller, Jürgen — 37°C", ""] {
            XCTAssertEqual(multi.sanitize(text), text)
        }
    }

    func testNothingDangerousSurvivesAMix() {
        let hostile = "\u{1B}]52;c;AAAA\u{07}\u{9B}2J\u{1B}[31m\u{1B}P+q\u{1B}\\\u{07}\u{7F}\u{202E}ok"
        let cleaned = multi.sanitize(hostile)
        XCTAssertEqual(cleaned, "<U+202E>ok")
        XCTAssertFalse(cleaned.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
    }
}
