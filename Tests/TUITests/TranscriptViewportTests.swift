import TUI
import Workstation
import XCTest

final class TranscriptViewportTests: XCTestCase {
    func testFollowsTheBottomWhileThere() {
        var viewport = TranscriptViewport(height: 5)
        viewport.contentChanged(lineCount: 3)
        XCTAssertEqual(viewport.visibleRange, 0..<3)
        viewport.contentChanged(lineCount: 10)
        XCTAssertEqual(viewport.top, 5)
        XCTAssertEqual(viewport.visibleRange, 5..<10)
        XCTAssertTrue(viewport.isFollowing)
        XCTAssertNil(viewport.newLinesIndicator)
    }

    func testScrolledUpItStaysPutAndCountsNewLines() {
        var viewport = TranscriptViewport(height: 5)
        viewport.contentChanged(lineCount: 10)
        viewport.scroll(by: -2)
        XCTAssertEqual(viewport.top, 3)
        XCTAssertFalse(viewport.isFollowing)
        viewport.contentChanged(lineCount: 14)
        XCTAssertEqual(viewport.top, 3, "what the user reads does not move")
        XCTAssertEqual(viewport.newLinesBelow, 4)
        XCTAssertEqual(viewport.linesBelow, 6)  // 14 − 3 − 5
        XCTAssertEqual(viewport.newLinesIndicator, "4 new lines below")
        viewport.pageDown()  // height − 1 = 4 rows
        XCTAssertEqual(viewport.top, 7)
        XCTAssertFalse(viewport.isFollowing)
        viewport.pageDown()  // clamped at the bottom (9): following again
        XCTAssertEqual(viewport.top, 9)
        XCTAssertTrue(viewport.isFollowing)
        XCTAssertEqual(viewport.newLinesBelow, 0)
        viewport.contentChanged(lineCount: 20)
        XCTAssertEqual(viewport.top, 15)
    }

    func testActionsAndClamping() {
        var viewport = TranscriptViewport(height: 4)
        viewport.contentChanged(lineCount: 10)
        XCTAssertTrue(viewport.perform(.scrollToTop))
        XCTAssertEqual(viewport.top, 0)
        viewport.perform(.scrollLineUp)
        XCTAssertEqual(viewport.top, 0)
        viewport.perform(.scrollLineDown)
        XCTAssertEqual(viewport.top, 1)
        viewport.perform(.scrollDown)
        XCTAssertEqual(viewport.top, 4)
        viewport.perform(.scrollUp)
        XCTAssertEqual(viewport.top, 1)
        viewport.contentChanged(lineCount: 11)
        XCTAssertEqual(viewport.newLinesIndicator, "1 new line below")
        viewport.perform(.scrollToBottom)
        XCTAssertEqual(viewport.top, 7)
        XCTAssertTrue(viewport.isFollowing)
        XCTAssertFalse(viewport.perform(.invert))
        viewport.scroll(by: -3)
        viewport.contentChanged(lineCount: 0)  // transcript cleared
        XCTAssertEqual(viewport.top, 0)
        XCTAssertTrue(viewport.isFollowing)
        viewport.contentChanged(lineCount: 10)
        viewport.resize(height: 6)
        XCTAssertEqual(viewport.top, 4)
    }

    /// With a real layout: the user scrolls up while a reply streams in; the row at the
    /// top of the pane stays the same row with the same text.
    func testStreamingDoesNotMoveAScrolledUpView() {
        var layout = TranscriptLayout(width: 24)
        for index in 0..<30 {
            layout.append(TranscriptEntry(role: .user, text: "question \(index)"))
        }
        layout.append(TranscriptEntry(role: .model, text: ""))
        var viewport = TranscriptViewport(height: 10)
        viewport.contentChanged(lineCount: layout.lines.count)
        viewport.scroll(by: -5)
        let top = viewport.top
        let shown = layout.lines[viewport.visibleRange].map(\.text)
        var added = 0
        for token in ["Word ", "after ", "word\n", "and ", "more ", "lines\n"] {
            let before = layout.lines.count
            layout.appendToLast(token + String(repeating: "x ", count: 15))
            viewport.contentChanged(lineCount: layout.lines.count)
            added += layout.lines.count - before
            XCTAssertEqual(viewport.top, top)
            XCTAssertEqual(layout.lines[viewport.visibleRange].map(\.text), shown)
        }
        XCTAssertGreaterThan(added, 0)
        XCTAssertEqual(viewport.newLinesBelow, added)
    }
}
