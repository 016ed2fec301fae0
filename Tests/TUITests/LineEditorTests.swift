import TUI
import XCTest

final class LineEditorTests: XCTestCase {
    private func editor(_ text: String, cursor: Int? = nil) -> LineEditor {
        var editor = LineEditor(text: text)
        if let cursor {
            for _ in 0..<(editor.characters.count - cursor) { editor.apply(.moveLeft) }
        }
        return editor
    }

    func testTypingAndMovingByCharacter() {
        var e = LineEditor()
        e.insert("hello")
        XCTAssertEqual(e.cursor, 5)
        e.apply(.moveLeft)
        e.apply(.moveLeft)
        e.insert("X")
        XCTAssertEqual(e.text, "helXlo")
        XCTAssertEqual(e.cursor, 4)
        e.apply(.deleteForward)
        XCTAssertEqual(e.text, "helXo")
        e.apply(.deleteForward)
        XCTAssertEqual(e.text, "helX")
        e.apply(.deleteForward)  // at the end: nothing
        e.apply(.moveRight)      // at the end: stays
        XCTAssertEqual(e.text, "helX")
        XCTAssertEqual(e.cursor, 4)
    }

    func testGraphemeClustersAreOneStepAndOneDeletion() {
        var e = LineEditor()
        e.insert("👨\u{200D}👩\u{200D}👧")  // family: three emoji joined by ZWJ
        e.insert("e\u{0301}")               // e + combining acute
        e.insert("🇫🇷")                       // flag: two regional indicators
        XCTAssertEqual(e.characters.count, 3)
        e.apply(.deleteBackward)
        XCTAssertEqual(e.text, "👨\u{200D}👩\u{200D}👧e\u{0301}")
        e.apply(.moveLeft)
        XCTAssertEqual(e.cursor, 1)
        e.apply(.deleteBackward)
        XCTAssertEqual(e.text, "e\u{0301}")
        e.apply(.deleteBackward)  // at the start: nothing
        XCTAssertEqual(e.text, "e\u{0301}")
    }

    func testScalarsTypedOneByOneJoinTheirCluster() {
        var e = LineEditor()
        e.insert("e")
        e.insert("\u{0301}")
        XCTAssertEqual(e.characters, ["e\u{0301}"])
        XCTAssertEqual(e.cursor, 1)
        e.insert("🇫")
        e.insert("🇷")
        XCTAssertEqual(e.characters, ["e\u{0301}", "🇫🇷"])
        e.apply(.deleteBackward)
        e.apply(.deleteBackward)
        XCTAssertTrue(e.isEmpty)
        XCTAssertEqual(e.cursor, 0)
    }

    func testPasteKeepsNewlinesExpandsTabsAndDropsControls() {
        var e = LineEditor()
        e.handle(.paste("line1\r\nline2\tx\u{1B}[31mred\u{07}\u{1B}]52;c;AAAA\u{07}"))
        XCTAssertEqual(e.text, "line1\nline2    xred")
        XCTAssertEqual(e.cursor, e.characters.count)
        e.insert("\u{1B}")
        XCTAssertEqual(e.text, "line1\nline2    xred")
    }

    func testWordJumps() {
        // h0 e1 l2 l3 o4 ,5 ␠6 w7 i8 d9 e10 ␠11 w12 o13 r14 l15 d16
        var e = editor("hello, wide world")
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 12)
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 7)
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 0)
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 0)
        e.apply(.wordRight)
        XCTAssertEqual(e.cursor, 5, "to the end of the word")
        e.apply(.wordRight)
        XCTAssertEqual(e.cursor, 11)
        XCTAssertNil(e.handle(.alt("b")))
        XCTAssertEqual(e.cursor, 7)
        XCTAssertNil(e.handle(.controlRight))
        XCTAssertEqual(e.cursor, 11)
    }

    func testHomeEndAndVerticalMovementOnLines() {
        var e = editor("ab\ncde", cursor: 5)  // after "cd"
        e.apply(.lineStart)
        XCTAssertEqual(e.cursor, 3)
        e.apply(.lineEnd)
        XCTAssertEqual(e.cursor, 6)
        e.handle(.control("a"))
        XCTAssertEqual(e.cursor, 3)
        e.handle(.control("e"))
        XCTAssertEqual(e.cursor, 6)
        e.apply(.moveUp)  // column 3, but "ab" is 2 wide: end of "ab"
        XCTAssertEqual(e.cursor, 2)
        e.apply(.moveDown)  // the goal column (3) is kept
        XCTAssertEqual(e.cursor, 6)
    }

    func testGoalColumnSurvivesAShortLine() {
        // Lines start at 0, 7 and 9; the cursor is at column 4 of the last line (13).
        var e = editor("abcdef\nx\nabcdef", cursor: 13)
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 8, "end of the short line")
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 4, "back at column 4")
    }

    func testVerticalMovementNeverLandsInsideAWideCharacter() {
        // Line 0 is 胸(2) 部(2) X(1); line 1 starts at index 4. The cursor is at column 3
        // of line 1; column 3 of line 0 is the middle of 部, so it stops after 胸.
        var e = editor("胸部X\nabcde", cursor: 7)
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 1)
    }

    func testUpDownMoveByScreenRowsWhenTheBoxWidthIsKnown() {
        // Width 4: rows "abcd" | "efgh" | "ij"; the cursor starts after j (row 2, column 2).
        var e = editor("abcdefghij")
        e.wrapWidth = 4
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 6, "row 1, column 2")
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 2)
        e.apply(.moveUp)  // first row, no history: stays
        XCTAssertEqual(e.cursor, 2)
        e.apply(.moveDown)
        e.apply(.moveDown)
        XCTAssertEqual(e.cursor, 10)
        // Without a width the same text is one line, so Up goes to history at once.
        var f = LineEditor(text: "abcdefghij", history: ["old"])
        f.apply(.moveUp)
        XCTAssertEqual(f.text, "old")
    }

    func testUpOntoAWrappedRowStopsBeforeItsLastCharacter() {
        // Width 4: rows "abcd" (wrapped) | "efg" | "abcd". From column 4 of the last row,
        // Up reaches the end of "efg" (index 7); Up again would be column 4 of "abcd",
        // which is drawn at the start of the next row, so it stops before "d" (index 3).
        var e = editor("abcdefg\nabcd")
        e.wrapWidth = 4
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 7)
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 3)
    }

    func testKillAndYank() {
        var e = editor("one two three")
        e.handle(.control("w"))
        XCTAssertEqual(e.text, "one two ")
        XCTAssertEqual(e.killBuffer, "three")
        e.handle(.control("w"))
        XCTAssertEqual(e.text, "one ")
        XCTAssertEqual(e.killBuffer, "two ")
        e.handle(.control("y"))
        XCTAssertEqual(e.text, "one two ")
        e.handle(.control("a"))
        e.handle(.control("k"))
        XCTAssertEqual(e.text, "")
        XCTAssertEqual(e.killBuffer, "one two ")
        e.handle(.control("y"))
        XCTAssertEqual(e.text, "one two ")
        XCTAssertEqual(e.cursor, 8)
    }

    func testKillsAcrossLineEnds() {
        var e = editor("abc\ndef")
        e.apply(.killToLineStart)
        XCTAssertEqual(e.text, "abc\n")
        XCTAssertEqual(e.killBuffer, "def")
        e.apply(.killToLineStart)  // already at the line start: joins with the line above
        XCTAssertEqual(e.text, "abc")
        XCTAssertEqual(e.cursor, 3)

        var f = editor("abc\ndef", cursor: 3)
        f.apply(.killToLineEnd)  // at the line end: removes the newline
        XCTAssertEqual(f.text, "abcdef")
        f.apply(.killToLineEnd)
        XCTAssertEqual(f.text, "abc")
        XCTAssertEqual(f.killBuffer, "def")
    }

    func testDeletingANewlineCanJoinACombiningMarkToItsNewBase() {
        var e = editor("e\n\u{0301}", cursor: 2)
        e.apply(.deleteBackward)
        XCTAssertEqual(e.characters, ["e\u{0301}"])
        XCTAssertEqual(e.cursor, 1)
    }

    func testHistoryKeepsTheDraft() {
        var e = LineEditor()
        e.insert("first")
        XCTAssertEqual(e.submit(), "first")
        e.insert("second")
        XCTAssertEqual(e.submit(), "second")
        e.insert("second")
        _ = e.submit()              // the same as the newest entry: not stored twice
        _ = e.submit()              // blank: not stored
        XCTAssertEqual(e.history, ["first", "second"])
        e.insert("draft")
        e.handle(.up)
        XCTAssertEqual(e.text, "second")
        XCTAssertTrue(e.isBrowsingHistory)
        e.handle(.up)
        XCTAssertEqual(e.text, "first")
        e.handle(.up)
        XCTAssertEqual(e.text, "first", "nothing older")
        e.handle(.down)
        XCTAssertEqual(e.text, "second")
        e.handle(.down)
        XCTAssertEqual(e.text, "draft")
        XCTAssertFalse(e.isBrowsingHistory)
        XCTAssertEqual(e.cursor, 5)
        e.handle(.down)
        XCTAssertEqual(e.text, "draft", "nothing newer than the draft")
    }

    func testUpMovesWithinAMultiLineMessageBeforeRecallingHistory() {
        var e = LineEditor(history: ["old"])
        e.insert("l1\nl2")
        e.handle(.up)
        XCTAssertEqual(e.text, "l1\nl2")
        XCTAssertEqual(e.cursor, 2)
        e.handle(.up)
        XCTAssertEqual(e.text, "old")
        e.handle(.down)
        XCTAssertEqual(e.text, "l1\nl2")
    }

    func testKeysReturnActionsTheEditorDoesNotHandle() {
        var e = LineEditor()
        XCTAssertNil(e.handle(.character("h")))
        XCTAssertNil(e.handle(.character("i")))
        XCTAssertNil(e.handle(.altEnter))
        XCTAssertNil(e.handle(.paste("x\ny")))
        XCTAssertNil(e.handle(.control("j")))
        XCTAssertEqual(e.text, "hi\nx\ny\n")
        XCTAssertEqual(e.handle(.enter), .send)
        XCTAssertEqual(e.handle(.tab), .focusNext)
        XCTAssertEqual(e.handle(.control("p")), .palette)
        XCTAssertNil(e.handle(.function(5)))
        XCTAssertEqual(e.text, "hi\nx\ny\n", "actions leave the text alone")
    }

    func testLayoutWrapsByDisplayWidth() {
        // Width 5: "abcde" fills the first row, "fgh" the second; cursor after h.
        XCTAssertEqual(editor("abcdefgh").layout(width: 5), EditorLayout(rows: ["abcde", "fgh"], cursorRow: 1, cursorColumn: 3))
        // A cursor on a row boundary is shown at the start of the next row.
        XCTAssertEqual(editor("abcdefgh", cursor: 5).layout(width: 5),
                       EditorLayout(rows: ["abcde", "fgh"], cursorRow: 1, cursorColumn: 0))
        // 胸部X is 5 columns; 線 (2) would make 7, so it starts the second row.
        XCTAssertEqual(editor("胸部X線").layout(width: 5), EditorLayout(rows: ["胸部X", "線"], cursorRow: 1, cursorColumn: 2))
        // Width 3: 胸部 is 4 columns; 部 may not be split, so one ideograph per row.
        XCTAssertEqual(editor("胸部").layout(width: 3), EditorLayout(rows: ["胸", "部"], cursorRow: 1, cursorColumn: 2))
        // ab (2) + 😀 (2) = 4 > 3: the emoji moves down; the row may break after it, so
        // when d does not fit "cd" moves down whole (word wrap, as in the report editor).
        XCTAssertEqual(editor("ab😀cd", cursor: 3).layout(width: 3),
                       EditorLayout(rows: ["ab", "😀", "cd"], cursorRow: 2, cursorColumn: 0))
        // Zero-width combining marks and ZWJ sequences count by their scalars' widths.
        XCTAssertEqual(editor("e\u{0301}e\u{0301}e\u{0301}").layout(width: 2).rows, ["e\u{0301}e\u{0301}", "e\u{0301}"])
    }

    func testLayoutWordWrapsLikeTheReportEditor() {
        // Width 10: "the quick " (10 columns) / "brown fox"; the cursor after x.
        XCTAssertEqual(editor("the quick brown fox").layout(width: 10),
                       EditorLayout(rows: ["the quick ", "brown fox"], cursorRow: 1, cursorColumn: 9))
        XCTAssertEqual(editor("the quick brown fox").layout(width: 10).rows,
                       TextEditorBuffer(text: "the quick brown fox").layout(width: 10).rows)
        // A space hanging past the edge is not drawn; the cursor on it stays in the box.
        XCTAssertEqual(editor("abcd efg", cursor: 4).layout(width: 4),
                       EditorLayout(rows: ["abcd", "efg"], cursorRow: 0, cursorColumn: 3))
        // Up and Down follow the word-wrapped rows.
        var e = editor("the quick brown fox")
        e.wrapWidth = 10
        e.apply(.moveUp)
        XCTAssertEqual(e.cursor, 9, "column 9 of \"the quick \"")
    }

    func testWordJumpsStopAtLineEnds() {
        var e = editor("ab cd\nef", cursor: 6)  // the start of "ef"
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 5, "the end of the line above, as in the report editor")
        e.apply(.wordLeft)
        XCTAssertEqual(e.cursor, 3)
        e.apply(.wordRight)
        e.apply(.wordRight)
        XCTAssertEqual(e.cursor, 6)
    }

    func testLayoutOfLinesAndFullRows() {
        XCTAssertEqual(editor("ab\n\ncd", cursor: 3).layout(width: 10),
                       EditorLayout(rows: ["ab", "", "cd"], cursorRow: 1, cursorColumn: 0))
        // The cursor after an exactly full last row goes to the start of an extra row.
        XCTAssertEqual(editor("abcde").layout(width: 5), EditorLayout(rows: ["abcde", ""], cursorRow: 1, cursorColumn: 0))
        XCTAssertEqual(editor("abcde", cursor: 0).layout(width: 5), EditorLayout(rows: ["abcde"], cursorRow: 0, cursorColumn: 0))
        XCTAssertEqual(editor("abcde\nx", cursor: 5).layout(width: 5),
                       EditorLayout(rows: ["abcde", "", "x"], cursorRow: 1, cursorColumn: 0))
        XCTAssertEqual(LineEditor().layout(width: 5), EditorLayout(rows: [""], cursorRow: 0, cursorColumn: 0))
        XCTAssertEqual(editor("胸", cursor: 0).layout(width: 1).rows, ["胸"], "a too-narrow box still shows the character")
    }
}
