import Support
import XCTest

/// Each way of keeping quoted text on one line, as the messages that use it need it.
final class OneLineTests: XCTestCase {
    func testControlCharactersBecomeSpaces() {
        XCTAssertEqual(OneLine.clean("a\nb\tc\u{1B}[2Jd\u{85}e"), "a b c [2Jd e")
        XCTAssertEqual(OneLine.clean("plain – ünïcode"), "plain – ünïcode")
        // Format characters and line separators are not controls: kept as they are.
        XCTAssertEqual(OneLine.clean("x\u{202E}y\u{2028}z"), "x\u{202E}y\u{2028}z")
    }

    func testQuestionMarksCoverFormatCharactersToo() {
        XCTAssertEqual(OneLine.clean("bl\u{202E}eu\n", controls: .questionMarks), "bl?eu?")
    }

    func testEscapedKeepsTheBytesReadable() {
        XCTAssertEqual(OneLine.clean("a\nb\rc\td\u{1B}e\u{9F}f\u{2028}g\u{7F}", controls: .escaped),
                       "a\\nb\\rc\\td\\u{1b}e\\u{9f}f\\u{2028}g\\u{7f}")
        XCTAssertEqual(OneLine.clean("token_embd.weight", controls: .escaped), "token_embd.weight")
    }

    func testJoinedLinesTrimsAndDropsBlankLines() {
        XCTAssertEqual(OneLine.clean("  upstream \n\n\tconnect error\r\n", controls: .joinedLines), "upstream connect error")
        XCTAssertEqual(OneLine.clean(" \n \n", controls: .joinedLines), "")
    }

    func testLimitKeepsThatManyCharactersThenAnEllipsis() {
        XCTAssertEqual(OneLine.clean(String(repeating: "x", count: 40), limit: 40), String(repeating: "x", count: 40))
        XCTAssertEqual(OneLine.clean(String(repeating: "x", count: 41), limit: 40), String(repeating: "x", count: 40) + "…")
        XCTAssertEqual(OneLine.shortened("abcdef", to: 3), "abc…")
        XCTAssertEqual(OneLine.shortened("abc", to: 3), "abc")
    }
}
