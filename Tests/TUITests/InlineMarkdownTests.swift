import TUI
import XCTest

final class InlineMarkdownTests: XCTestCase {
    private func spans(_ text: String) -> [StyledSpan] { InlineMarkdown.spans(text) }

    func testEmphasisAndCode() {
        XCTAssertEqual(spans("a **b** c"), [StyledSpan("a "), StyledSpan("b", .bold), StyledSpan(" c")])
        XCTAssertEqual(spans("*i* and _j_"), [StyledSpan("i", .italic), StyledSpan(" and "), StyledSpan("j", .italic)])
        XCTAssertEqual(spans("run `x*y*` now"), [StyledSpan("run "), StyledSpan("x*y*", .code), StyledSpan(" now")])
    }

    func testNesting() {
        XCTAssertEqual(spans("**bold `code` more**"),
                       [StyledSpan("bold ", .bold), StyledSpan("code", [.bold, .code]), StyledSpan(" more", .bold)])
        XCTAssertEqual(spans("**bold *it* x**"),
                       [StyledSpan("bold ", .bold), StyledSpan("it", [.bold, .italic]), StyledSpan(" x", .bold)])
    }

    func testMarkersThatAreNotEmphasisStayLiteral() {
        XCTAssertEqual(spans("snake_case_name"), [StyledSpan("snake_case_name")])
        XCTAssertEqual(spans("2 * 3 * 4"), [StyledSpan("2 * 3 * 4")])
        XCTAssertEqual(spans("**unclosed"), [StyledSpan("**unclosed")], "still streaming")
        XCTAssertEqual(spans("** spaced **"), [StyledSpan("** spaced **")])
        XCTAssertEqual(spans("a `b"), [StyledSpan("a `b")])
        XCTAssertEqual(spans(#"\*not\* italic"#), [StyledSpan("*not* italic")])
    }

    func testBaseStyleIsKept() {
        XCTAssertEqual(InlineMarkdown.spans("A **b**", style: .heading),
                       [StyledSpan("A ", .heading), StyledSpan("b", [.heading, .bold])])
    }
}
