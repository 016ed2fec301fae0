import TUI
import XCTest

final class TextEditorBufferTests: XCTestCase {
    private func at(_ line: Int, _ column: Int) -> TextPosition { TextPosition(line: line, column: column) }

    private func buffer(_ text: String, cursor: TextPosition? = nil, width: Int? = nil) -> TextEditorBuffer {
        var buffer = TextEditorBuffer(text: text)
        buffer.wrapWidth = width
        if let cursor { buffer.moveTo(cursor) }
        return buffer
    }

    // MARK: Editing

    func testTypingNewlinesAndJoiningLines() {
        var b = TextEditorBuffer()
        XCTAssertEqual(b.lines, [[]])
        b.insert("hello")
        b.insertNewline()
        b.insert("world")
        XCTAssertEqual(b.text, "hello\nworld")
        XCTAssertEqual(b.cursor, at(1, 5))
        b.moveToLineStart()
        b.deleteBackward()  // joins the lines
        XCTAssertEqual(b.text, "helloworld")
        XCTAssertEqual(b.cursor, at(0, 5))
        b.insertNewline()
        XCTAssertEqual(b.text, "hello\nworld")
        b.moveLeft()  // to the end of "hello"
        XCTAssertEqual(b.cursor, at(0, 5))
        b.deleteForward()  // joins the next line to this one
        XCTAssertEqual(b.text, "helloworld")
        XCTAssertEqual(b.cursor, at(0, 5))
    }

    func testNothingToDeleteAtTheEdgesIsNoChange() {
        var b = buffer("ab")
        b.deleteBackward()
        XCTAssertEqual(b.text, "ab")
        b.moveToEnd()
        b.deleteForward()
        XCTAssertEqual(b.text, "ab")
        XCTAssertFalse(b.isModified)
        XCTAssertFalse(b.canUndo)
    }

    func testPastedMultiLineTextInTheMiddleOfALine() {
        var b = buffer("start end", cursor: at(0, 6))
        b.insert("one\r\ntwo\nthree ")
        XCTAssertEqual(b.lines.map { String($0) }, ["start one", "two", "three end"])
        XCTAssertEqual(b.cursor, at(2, 6))
    }

    func testInsertedTextIsSanitized() {
        var b = TextEditorBuffer()
        b.insert("x\u{1B}[31my\u{07}\r\nz")
        XCTAssertEqual(b.text, "xy\nz")
        XCTAssertEqual(b.cursor, at(1, 1))
    }

    func testGraphemeClustersAreOneStepAndOneDeletion() {
        var b = TextEditorBuffer()
        b.insert("👨\u{200D}👩\u{200D}👧")
        b.insert("e")
        b.insert("\u{0301}")  // a combining accent typed alone joins the e
        b.insert("🇫🇷")
        XCTAssertEqual(b.lines[0].count, 3)
        XCTAssertEqual(b.cursor, at(0, 3))
        b.moveLeft()
        b.moveLeft()
        b.deleteBackward()
        XCTAssertEqual(b.text, "e\u{0301}🇫🇷")
        XCTAssertEqual(b.cursor, at(0, 0))
        b.deleteForward()
        XCTAssertEqual(b.text, "🇫🇷")
    }

    // MARK: Movement

    func testLeftAndRightCrossLineEnds() {
        var b = buffer("ab\ncd", cursor: at(1, 0))
        b.moveLeft()
        XCTAssertEqual(b.cursor, at(0, 2))
        b.moveRight()
        XCTAssertEqual(b.cursor, at(1, 0))
        b.moveToEnd()
        b.moveRight()  // at the end: stays
        XCTAssertEqual(b.cursor, at(1, 2))
        b.moveToStart()
        b.moveLeft()
        XCTAssertEqual(b.cursor, at(0, 0))
        b.moveToLineEnd()
        XCTAssertEqual(b.cursor, at(0, 2))
    }

    func testCursorIsClamped() {
        var b = buffer("ab\ncdef")
        b.moveTo(at(99, 99))
        XCTAssertEqual(b.cursor, at(1, 4))
        b.moveTo(at(-3, -3))
        XCTAssertEqual(b.cursor, at(0, 0))
        b.moveTo(at(0, 50))
        XCTAssertEqual(b.cursor, at(0, 2))
        b.text = "x"  // the cursor goes to the start of the new text
        XCTAssertEqual(b.cursor, at(0, 0))
        b.moveToEnd()
        b.undo()
        XCTAssertEqual(b.text, "ab\ncdef")
        XCTAssertEqual(b.cursor, at(0, 2))  // where it was before the change
    }

    func testUpAndDownKeepThePreferredColumnAcrossShortLines() {
        var b = buffer("long line here\nab\nanother long one", cursor: at(0, 10))
        b.moveDown()
        XCTAssertEqual(b.cursor, at(1, 2))
        b.moveDown()
        XCTAssertEqual(b.cursor, at(2, 10))
        b.moveUp()
        b.moveUp()
        XCTAssertEqual(b.cursor, at(0, 10))
        b.moveUp()  // from the first row: to the start
        XCTAssertEqual(b.cursor, at(0, 0))
        b.moveTo(at(2, 3))
        b.moveDown()  // from the last row: to the end
        XCTAssertEqual(b.cursor, at(2, 16))
    }

    func testUpAndDownByDisplayColumnOverWideCharacters() {
        // "日本語" is 6 columns; column 3 of "abcdef" falls inside 本, so Up stops before it.
        var b = buffer("日本語\nabcdef", cursor: at(1, 3))
        b.moveUp()
        XCTAssertEqual(b.cursor, at(0, 1))
        b.moveDown()  // the goal (3) is kept, not the 2 columns reached
        XCTAssertEqual(b.cursor, at(1, 3))
        b.moveTo(at(1, 4))
        b.moveUp()
        XCTAssertEqual(b.cursor, at(0, 2))
    }

    func testUpAndDownMoveByWrappedRow() {
        // Width 10: "the quick " (the space hangs at the edge) / "brown fox".
        var b = buffer("the quick brown fox\nend", cursor: at(0, 2), width: 10)
        b.moveDown()
        XCTAssertEqual(b.cursor, at(0, 12))
        b.moveDown()
        XCTAssertEqual(b.cursor, at(1, 2))
        b.moveTo(at(0, 19))
        b.moveUp()  // display column 9 on the row above: before its hanging space
        XCTAssertEqual(b.cursor, at(0, 9))
        b.moveTo(at(1, 3))
        b.moveUp()
        XCTAssertEqual(b.cursor, at(0, 13))
    }

    func testPageUpAndDown() {
        var b = buffer((0..<10).map(String.init).joined(separator: "\n"))
        b.pageDown(height: 4)  // 3 rows, one kept for context
        XCTAssertEqual(b.cursor, at(3, 0))
        b.pageDown(height: 4)
        b.pageDown(height: 4)
        XCTAssertEqual(b.cursor, at(9, 0))
        b.pageDown(height: 4)  // already on the last row: to the end
        XCTAssertEqual(b.cursor, at(9, 1))
        b.pageUp(height: 4)
        XCTAssertEqual(b.cursor, at(6, 1))
        b.pageUp(height: 100)
        XCTAssertEqual(b.cursor, at(0, 1))
        b.pageUp(height: 1)  // a page of at least one row
        XCTAssertEqual(b.cursor, at(0, 0))
    }

    func testWordJumps() {
        var b = buffer("hello, world_x 42\nnext")
        b.moveWordRight()
        XCTAssertEqual(b.cursor, at(0, 5))
        b.moveWordRight()
        XCTAssertEqual(b.cursor, at(0, 14))
        b.moveWordRight()
        XCTAssertEqual(b.cursor, at(0, 17))
        b.moveWordRight()  // at the end of a line: the start of the next
        XCTAssertEqual(b.cursor, at(1, 0))
        b.moveWordLeft()
        XCTAssertEqual(b.cursor, at(0, 17))
        b.moveWordLeft()
        XCTAssertEqual(b.cursor, at(0, 15))
        b.moveWordLeft()
        XCTAssertEqual(b.cursor, at(0, 7))
        b.moveWordLeft()
        XCTAssertEqual(b.cursor, at(0, 0))
    }

    // MARK: Wrapping

    func testWrapBreaksAfterSpacesAndLongWordsAtTheEdge() {
        XCTAssertEqual(buffer("the quick brown fox").layout(width: 10).rows, ["the quick ", "brown fox"])
        XCTAssertEqual(buffer("abcdefghij").layout(width: 4).rows, ["abcd", "efgh", "ij"])
        XCTAssertEqual(buffer("").layout(width: 4), EditorLayout(rows: [""], cursorRow: 0, cursorColumn: 0))
        XCTAssertEqual(buffer("ab\n\ncd").layout(width: 4).rows, ["ab", "", "cd"])
    }

    func testWrapOfCJKAndEmojiByDisplayWidth() {
        // 8 ideographs of 2 columns: two fit in 5 columns, a third would need 6.
        var b = buffer("日本語のテキスト")
        b.moveToEnd()
        XCTAssertEqual(b.layout(width: 5), EditorLayout(rows: ["日本", "語の", "テキ", "スト"], cursorRow: 3, cursorColumn: 4))
        // A wide character never straddles the edge, and text may break before and after it.
        XCTAssertEqual(buffer("a😀b").layout(width: 2).rows, ["a", "😀", "b"])
        XCTAssertEqual(buffer("ab cd中").layout(width: 6).rows, ["ab cd", "中"])
        // A wide character on a row of width 1 still goes somewhere.
        XCTAssertEqual(buffer("中a").layout(width: 1).rows, ["中", "a"])
    }

    func testCursorAndVisualRowsMapBothWays() {
        let b = buffer("the quick brown fox", width: 10)
        let rows = b.visualRows(width: 10)
        XCTAssertEqual(rows, [TextEditorRow(line: 0, start: 0, end: 10, endsLine: false),
                              TextEditorRow(line: 0, start: 10, end: 19, endsLine: true)])
        XCTAssertEqual(TextEditorBuffer.rowIndex(of: at(0, 9), in: rows), 0)
        XCTAssertEqual(TextEditorBuffer.rowIndex(of: at(0, 10), in: rows), 1)  // a row boundary belongs to the next row
        XCTAssertEqual(TextEditorBuffer.rowIndex(of: at(0, 19), in: rows), 1)
        XCTAssertEqual(b.displayColumn(of: at(0, 13), in: rows[1]), 3)
        XCTAssertEqual(b.position(in: rows[1], atDisplayColumn: 3), at(0, 13))
        XCTAssertEqual(b.position(in: rows[1], atDisplayColumn: 50), at(0, 19))
        XCTAssertEqual(b.position(in: rows[0], atDisplayColumn: 50), at(0, 9))  // not past the row
        XCTAssertEqual(buffer("ab\ncd").visualRows(width: nil).count, 2)
    }

    func testCursorPastTheEdgeInLayout() {
        // An exactly full last row: the cursor at its end shows on an extra row.
        var full = buffer("abcd")
        full.moveToEnd()
        XCTAssertEqual(full.layout(width: 4), EditorLayout(rows: ["abcd", ""], cursorRow: 1, cursorColumn: 0))
        // On a space hanging past the edge mid-line: the last column. The space itself
        // is not drawn (it would cover the pane's border).
        let hanging = buffer("abcd efg", cursor: at(0, 4))
        XCTAssertEqual(hanging.layout(width: 4), EditorLayout(rows: ["abcd", "efg"], cursorRow: 0, cursorColumn: 3))
        XCTAssertEqual(buffer("ab   cd").layout(width: 3).rows, ["ab ", "cd"], "spaces within the width stay")
        let after = buffer("abcd efg", cursor: at(0, 5))
        XCTAssertEqual(after.layout(width: 4).cursorRow, 1)
        XCTAssertEqual(after.layout(width: 4).cursorColumn, 0)
    }

    func testScrollTopKeepsTheCursorInView() {
        XCTAssertEqual(TextEditorBuffer.scrollTop(cursorRow: 10, height: 5, top: 0), 6)
        XCTAssertEqual(TextEditorBuffer.scrollTop(cursorRow: 2, height: 5, top: 4), 2)
        XCTAssertEqual(TextEditorBuffer.scrollTop(cursorRow: 5, height: 5, top: 3), 3)
    }

    // MARK: Undo

    func testATypedRunIsOneChange() {
        var b = TextEditorBuffer()
        for character in "abc" { b.insert(String(character)) }
        b.moveLeft()  // moving ends the run
        b.insert("X")
        XCTAssertEqual(b.text, "abXc")
        XCTAssertTrue(b.undo())
        XCTAssertEqual(b.text, "abc")
        XCTAssertEqual(b.cursor, at(0, 2))
        XCTAssertTrue(b.undo())
        XCTAssertEqual(b.text, "")
        XCTAssertFalse(b.undo())
        XCTAssertTrue(b.redo())
        XCTAssertEqual(b.text, "abc")
        XCTAssertTrue(b.redo())
        XCTAssertEqual(b.text, "abXc")
        XCTAssertFalse(b.redo())
    }

    func testANewlineEndsATypedRun() {
        var b = TextEditorBuffer()
        b.insert("a")
        b.insert("b")
        b.insertNewline()
        b.insert("c")
        b.undo()
        XCTAssertEqual(b.text, "ab\n")
        b.undo()
        XCTAssertEqual(b.text, "ab")
        b.undo()
        XCTAssertEqual(b.text, "")
    }

    func testUndoAfterPasteAndIsModified() {
        var b = TextEditorBuffer(text: "hello")
        XCTAssertFalse(b.isModified)
        b.moveToEnd()
        b.insert(" big\nworld")
        XCTAssertEqual(b.text, "hello big\nworld")
        XCTAssertTrue(b.isModified)
        b.undo()
        XCTAssertEqual(b.text, "hello")
        XCTAssertEqual(b.cursor, at(0, 5))
        XCTAssertFalse(b.isModified)  // back to the opened text
        b.redo()
        XCTAssertTrue(b.isModified)
        b.markSaved()
        XCTAssertFalse(b.isModified)
        b.undo()
        XCTAssertTrue(b.isModified)  // differs from the saved text
        b.redo()
        XCTAssertFalse(b.isModified)
    }

    func testTypingAfterSavingStartsANewChange() {
        var b = TextEditorBuffer()
        b.insert("a")
        b.markSaved()
        b.insert("b")
        b.undo()
        XCTAssertEqual(b.text, "a")
        XCTAssertFalse(b.isModified)
    }

    func testBackspaceRunAcrossLinesIsOneChange() {
        var b = buffer("ab\ncd")
        b.moveToEnd()
        for _ in 0..<3 { b.deleteBackward() }  // d, c, the newline
        XCTAssertEqual(b.text, "ab")
        XCTAssertEqual(b.cursor, at(0, 2))
        b.undo()
        XCTAssertEqual(b.text, "ab\ncd")
        XCTAssertEqual(b.cursor, at(1, 2))
        b.moveTo(at(0, 2))
        b.deleteForward()
        XCTAssertEqual(b.text, "abcd")
        b.undo()
        XCTAssertEqual(b.text, "ab\ncd")
        XCTAssertEqual(b.cursor, at(0, 2))
    }

    func testUndoIsBounded() {
        var b = TextEditorBuffer()
        b.undoLimit = 3
        for word in ["one ", "two ", "three ", "four ", "five "] { b.insert(word) }
        XCTAssertTrue(b.undo())
        XCTAssertTrue(b.undo())
        XCTAssertTrue(b.undo())
        XCTAssertFalse(b.undo())
        XCTAssertEqual(b.text, "one two ")
    }

    func testTextSetterIsAnUndoableChangeAndLoadIsNot() {
        var b = TextEditorBuffer(text: "draft")
        b.text = "draft"  // the same text: no change
        XCTAssertFalse(b.isModified)
        b.text = "new\ntext"
        XCTAssertEqual(b.lines.count, 2)
        XCTAssertTrue(b.isModified)
        b.undo()
        XCTAssertEqual(b.text, "draft")
        b.load("saved report")
        XCTAssertEqual(b.text, "saved report")
        XCTAssertFalse(b.isModified)
        XCTAssertFalse(b.canUndo)
        XCTAssertFalse(b.canRedo)
    }
}
