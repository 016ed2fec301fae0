@testable import TUI
import XCTest

/// The background encoder's line draws a frame only when it changes.
final class StatusBarStateTests: XCTestCase {
    func testBackgroundLineIsNewOnlyWhenItChanges() {
        var status = StatusBarState()
        XCTAssertFalse(status.noteBackground(nil), "nothing shown, nothing new")
        XCTAssertTrue(status.noteBackground("encoding 1/4"))
        XCTAssertFalse(status.noteBackground("encoding 1/4"))
        XCTAssertTrue(status.noteBackground("encoding 2/4"))
        XCTAssertTrue(status.noteBackground(nil), "the line went away")
        XCTAssertEqual(status.backgroundLine, nil)
    }
}
