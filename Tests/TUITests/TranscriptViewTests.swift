import TUI
import Workstation
import XCTest

final class TranscriptViewTests: XCTestCase {
    private func conversation(width: Int, height: Int) -> TranscriptView {
        var view = TranscriptView(width: width, height: height)
        for index in 0..<20 {
            view.append(TranscriptEntry(role: index % 2 == 0 ? .user : .model, text: "entry \(index) with some words to wrap"))
        }
        return view
    }

    func testFollowsStreamingAtTheBottom() {
        var view = conversation(width: 30, height: 6)
        view.append(TranscriptEntry(role: .model, text: ""))
        view.appendToLast("streamed reply")
        XCTAssertEqual(view.visibleLines.last?.text, "streamed reply")
        view.updateLast { $0.timing = "12 tok/s" }
        XCTAssertEqual(view.visibleLines.last?.text, "12 tok/s")
        XCTAssertEqual(view.visibleLines.count, 6)
    }

    func testResizeKeepsTheTopEntryOfAScrolledView() {
        var view = conversation(width: 30, height: 6)
        view.perform(.scrollToTop)
        view.perform(.scrollDown)
        view.perform(.scrollDown)
        let entry = view.visibleLines.first!.entryIndex
        XCTAssertGreaterThan(entry, 0)
        view.resize(width: 12, height: 8)
        XCTAssertEqual(view.viewport.top, view.layout.firstLine(ofEntry: entry))
        XCTAssertFalse(view.viewport.isFollowing)
        XCTAssertEqual(view.visibleLines.count, 8)
    }

    func testResizeWhileFollowingStaysAtTheBottom() {
        var view = conversation(width: 30, height: 6)
        view.resize(width: 12, height: 4)
        XCTAssertTrue(view.viewport.isFollowing)
        XCTAssertEqual(view.viewport.visibleRange.upperBound, view.layout.lines.count)
        view.clear()
        XCTAssertEqual(view.visibleLines.count, 0)
        XCTAssertFalse(view.perform(.send))
    }
}
