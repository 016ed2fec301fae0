import TUI
import XCTest

final class SpanStyleTests: XCTestCase {
    func testPlainAttributesWithoutATheme() {
        XCTAssertEqual(SpanStyle([]).textAttributes, [])
        XCTAssertEqual(SpanStyle.bold.textAttributes, .bold)
        XCTAssertEqual(SpanStyle([.heading, .bold]).textAttributes, .bold)
        XCTAssertEqual(SpanStyle([.bold, .italic]).textAttributes, [.bold, .italic])
        XCTAssertEqual(SpanStyle.code.textAttributes, .reverse)
        XCTAssertEqual(SpanStyle.codeBlock.textAttributes, .reverse)
        XCTAssertEqual(SpanStyle.timing.textAttributes, .dim)
        XCTAssertEqual(SpanStyle.note.textAttributes, [.italic, .dim])
        XCTAssertEqual(SpanStyle.warning.textAttributes, .bold)
    }
}
