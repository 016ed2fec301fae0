@testable import TUI
import XCTest

/// The editing core itself; how each pane uses it is in `LineEditorTests` and
/// `TextEditorBufferTests`.
final class TextBufferTests: XCTestCase {
    private func at(_ line: Int, _ column: Int) -> TextPosition { TextPosition(line: line, column: column) }

    func testRemoveAcrossLinesReturnsTheTextAndRejoins() {
        var b = TextBuffer(text: "one\ntwo\nthree")
        XCTAssertEqual(b.remove(from: at(2, 2), to: at(0, 1)), "ne\ntwo\nth", "either order")
        XCTAssertEqual(b.text, "oree")
        XCTAssertEqual(b.cursor, at(0, 1))
        XCTAssertEqual(b.remove(from: at(0, 1), to: at(0, 1)), "")
        var mark = TextBuffer(text: "e\n\u{301}")
        mark.remove(from: at(0, 1), to: at(1, 0))  // the line break goes: the lone accent joins the e
        XCTAssertEqual(mark.lines, [["e\u{301}"]])
        XCTAssertEqual(mark.cursor, at(0, 1))
    }

    func testPlacesAroundLineBreaks() {
        let b = TextBuffer(text: "ab\ncd")
        XCTAssertEqual(b.place(before: at(1, 0)), at(0, 2))
        XCTAssertEqual(b.place(after: at(0, 2)), at(1, 0))
        XCTAssertNil(b.place(before: .start))
        XCTAssertNil(b.place(after: b.end))
        XCTAssertEqual(b.character(before: at(1, 0)), "\n")
        XCTAssertEqual(b.character(before: at(1, 1)), "c")
        XCTAssertNil(b.character(before: .start))
        XCTAssertEqual(b.offset(of: at(1, 1)), 4)
    }

    func testEdgeRowsFollowTheWrapWidth() {
        var b = TextBuffer(text: "abcdefgh")
        b.moveTo(at(0, 6))
        XCTAssertTrue(b.isOnEdgeRow(up: true))
        XCTAssertTrue(b.isOnEdgeRow(up: false))
        b.wrapWidth = 4  // rows "abcd" | "efgh"
        XCTAssertFalse(b.isOnEdgeRow(up: true))
        XCTAssertTrue(b.isOnEdgeRow(up: false))
    }

    func testReplaceAllCleansTheTextAndStartsAtTheStart() {
        var b = TextBuffer(text: "old")
        b.moveToEnd()
        b.replaceAll(with: "new\r\n\u{1B}[31mtext\t!")
        XCTAssertEqual(b.text, "new\ntext    !")
        XCTAssertEqual(b.cursor, .start)
        XCTAssertFalse(b.isEmpty)
        b.replaceAll(with: "")
        XCTAssertTrue(b.isEmpty)
    }

    func testLineWrapFirstRowWidthAndHardWrap() {
        let characters = Array("ab cd ef")
        XCTAssertEqual(LineWrap.rows(characters, width: 5, firstWidth: 2), [0..<3, 3..<8])
        XCTAssertEqual(LineWrap.rows(characters, width: 3, hard: true), [0..<3, 3..<6, 6..<8])
        XCTAssertEqual(LineWrap.rows([], width: 3), [0..<0])
    }
}
