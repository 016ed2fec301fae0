import TUI
import XCTest

final class MarkdownLineTests: XCTestCase {
    func testClassification() {
        let source = """
        # Title
        ## Sub heading
        #hashtag
        - dash item
        * star item
          + nested
        1. one
        12) twelve
        3.5 mg is not a list

        plain text
        """
        XCTAssertEqual(MarkdownLine.parse(source.split(separator: "\n", omittingEmptySubsequences: false)), [
            .heading(level: 1, text: "Title"),
            .heading(level: 2, text: "Sub heading"),
            .paragraph("#hashtag"),
            .listItem(indent: 0, marker: "•", text: "dash item"),
            .listItem(indent: 0, marker: "•", text: "star item"),
            .listItem(indent: 2, marker: "•", text: "nested"),
            .listItem(indent: 0, marker: "1.", text: "one"),
            .listItem(indent: 0, marker: "12)", text: "twelve"),
            .paragraph("3.5 mg is not a list"),
            .blank,
            .paragraph("plain text"),
        ])
    }

    func testFencedCodeIsVerbatimUntilTheClosingFence() {
        let source = ["```swift", "# not a heading", "  - not a list", "```", "- list again", "~~~", "open"]
        XCTAssertEqual(MarkdownLine.parse(source[...].map { Substring($0) }), [
            .fence(info: "swift"),
            .code("# not a heading"),
            .code("  - not a list"),
            .fence(info: ""),
            .listItem(indent: 0, marker: "•", text: "list again"),
            .fence(info: ""),
            .code("open"),  // unclosed (still streaming): code to the end
        ])
    }
}
