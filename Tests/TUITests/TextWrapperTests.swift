import TUI
import XCTest

/// Expected rows are worked out by hand from the rules: ASCII is 1 column, CJK and
/// emoji 2; break after spaces and around 2-column characters; hard-break words that
/// do not fit; a 2-column character never straddles the edge.
final class TextWrapperTests: XCTestCase {
    private func rows(_ text: String, _ width: Int, hard: Bool = false) -> [String] {
        TextWrapper.wrap([StyledSpan(text)], width: width, hard: hard).map { $0.map(\.text).joined() }
    }

    func testWordWrap() {
        // "the quick" is 9 columns; adding " brown" would make 15 > 10.
        XCTAssertEqual(rows("the quick brown fox", 10), ["the quick", "brown fox"])
        XCTAssertEqual(rows("exactly ten", 11), ["exactly ten"])
        XCTAssertEqual(rows("a  b", 1), ["a", "b"], "spaces at a break are dropped")
        XCTAssertEqual(rows("", 10), [""])
    }

    func testLongWordsAndURLsBreakHard() {
        // "see" breaks at its space; the URL (36 columns) is cut every 12 columns.
        XCTAssertEqual(rows("see https://example.com/a/very/long/path", 12),
                       ["see", "https://exam", "ple.com/a/ve", "ry/long/path"])
    }

    func testCJKBreaksBetweenIdeographs() {
        // 胸(2)部(2)X(1) = 5; 線 would make 7 > 6. 線検査 = 6; で would make 8.
        XCTAssertEqual(rows("胸部X線検査です", 6), ["胸部X", "線検査", "です"])
        // "CT " is 3; 胸 would make 5 > 4, and a break before an ideograph is allowed.
        XCTAssertEqual(rows("CT 胸部", 4), ["CT", "胸部"])
        // Width 3: one ideograph (2) per row; the second never half on the first row.
        XCTAssertEqual(rows("胸部", 3), ["胸", "部"])
    }

    func testEmojiAreTwoColumnsAndNeverSplit() {
        // "ok 🫁" = 2 + 1 + 2 = 5; 🩻 would make 7. Then "🩻 " and "do" = 5, "n" makes 6,
        // so the break goes at the space and "done" moves down.
        XCTAssertEqual(rows("ok 🫁🩻 done", 5), ["ok 🫁", "🩻", "done"])
        XCTAssertEqual(rows("👨\u{200D}👩\u{200D}👧", 6), ["👨\u{200D}👩\u{200D}👧"], "ZWJ family: 6 columns, fits")
        XCTAssertEqual(rows("胸", 1), ["胸"], "a too-narrow row still shows the character")
    }

    func testHangingIndent() {
        // "• " takes 2 of 10 columns on every row: "alpha beta" is 10 > 8.
        let wrapped = TextWrapper.wrap([StyledSpan("alpha beta gamma")], width: 10,
                                       prefix: [StyledSpan("•", .listMarker), StyledSpan(" ")])
        XCTAssertEqual(wrapped.map { $0.map(\.text).joined() }, ["• alpha", "  beta", "  gamma"])
        XCTAssertEqual(wrapped[0].first, StyledSpan("•", .listMarker))
    }

    func testHardWrapKeepsSpaces() {
        XCTAssertEqual(rows("  let x = 1", 5, hard: true), ["  let", " x = ", "1"])
        XCTAssertEqual(rows("ab胸", 3, hard: true), ["ab", "胸"])
    }

    func testStylesAreKeptAndMerged() {
        let wrapped = TextWrapper.wrap([StyledSpan("plain "), StyledSpan("bold words", .bold)], width: 10)
        XCTAssertEqual(wrapped, [[StyledSpan("plain "), StyledSpan("bold", .bold)], [StyledSpan("words", .bold)]])
    }
}
