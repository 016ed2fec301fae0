@testable import TUI
import XCTest

/// Key codes are the values curses documents (ncurses.h, octal), written out here so
/// the test does not depend on the C headers it is checking against.
final class KeyMappingTests: XCTestCase {
    func testFunctionKeyCodes() {
        let cases: [(Int32, Key)] = [
            (0o402, .down), (0o403, .up), (0o404, .left), (0o405, .right),
            (0o406, .home), (0o550, .end), (0o523, .pageUp), (0o522, .pageDown),
            (0o407, .backspace), (0o512, .delete), (0o513, .insert), (0o527, .enter),
            (0o541, .backTab), (0o632, .resize), (0o631, .mouse),
            (0o410 + 1, .function(1)), (0o410 + 12, .function(12)), (0o410 + 63, .function(63)),
            (0o410, .unknown(0o410)), (0o777, .unknown(0o777)),
        ]
        for (code, key) in cases {
            XCTAssertEqual(Key(keyCode: code), key, "code \(String(code, radix: 8))")
        }
    }

    func testCharacters() {
        let cases: [(UInt32, Key)] = [
            (0x71, .character("q")), (0x20, .character(" ")), (0x80F8, .character("胸")),
            (0x1FA7B, .character("🩻")), (0xE9, .character("é")),
            (0x0D, .enter), (0x0A, .enter), (0x09, .tab), (0x7F, .backspace), (0x08, .backspace),
            (0x1B, .escape), (0x01, .control("a")), (0x03, .control("c")), (0x1A, .control("z")),
            (0x00, .unknown(0)), (0x1C, .unknown(0x1C)), (0x85, .unknown(0x85)),
            (0xD800, .unknown(0xD800)),  // a lone surrogate is not a scalar
        ]
        for (value, key) in cases {
            XCTAssertEqual(Key(character: value), key, "U+\(String(value, radix: 16))")
        }
    }

    func testAttributeBitsMatchNcurses() {
        // A_BOLD is 0x200000 and A_REVERSE 0x40000 in ncurses' ABI.
        XCTAssertEqual(TextAttributes.bold.rawValue, 0x20_0000)
        XCTAssertEqual(TextAttributes.reverse.rawValue, 0x4_0000)
        XCTAssertEqual(TextAttributes.underline.rawValue, 0x2_0000)
        XCTAssertEqual(TextAttributes.dim.rawValue, 0x10_0000)
    }

    func testErrorDescriptionsAreOneLine() {
        XCTAssertEqual(TerminalError.notATerminal.description,
                       "the interactive screen needs a terminal, but standard input or output is not one")
        XCTAssertEqual(TerminalError.cannotInitialize(term: "").description, "cannot initialise the terminal (TERM=<unset>)")
        XCTAssertEqual(TerminalError.cannotInitialize(term: "dumb").description, "cannot initialise the terminal (TERM=dumb)")
        XCTAssertEqual(TerminalError.alreadyRunning.description, "the terminal screen is already running")
    }
}
