import TUI
import XCTest

final class QuitGuardTests: XCTestCase {
    func testCtrlCCancelsThenQuitsOnTheSecondPressWhenIdle() {
        var guardian = QuitGuard()
        XCTAssertEqual(guardian.interrupt(isGenerating: true, hasDraft: false), .cancelGeneration)
        XCTAssertEqual(guardian.interrupt(isGenerating: false, hasDraft: false), .armed(QuitGuard.armedHint))
        XCTAssertEqual(guardian.interrupt(isGenerating: false, hasDraft: false), .quit)
    }

    func testAnotherKeyDisarms() {
        var guardian = QuitGuard()
        _ = guardian.interrupt(isGenerating: false, hasDraft: false)
        guardian.otherKey()
        XCTAssertEqual(guardian.interrupt(isGenerating: false, hasDraft: false), .armed(QuitGuard.armedHint))
        // A generation started in between: Ctrl-C cancels it and does not quit.
        XCTAssertEqual(guardian.interrupt(isGenerating: true, hasDraft: false), .cancelGeneration)
        XCTAssertFalse(guardian.isArmed)
    }

    func testADraftIsNeverDiscardedWithoutAsking() {
        var guardian = QuitGuard()
        _ = guardian.interrupt(isGenerating: false, hasDraft: true)
        XCTAssertEqual(guardian.interrupt(isGenerating: false, hasDraft: true), .confirm(QuitGuard.draftQuestion))
        XCTAssertEqual(guardian.quit(hasDraft: true), .confirm(QuitGuard.draftQuestion))
        XCTAssertEqual(guardian.quit(hasDraft: false), .quit)
    }

    func testEscapeOnlyCancels() {
        var guardian = QuitGuard()
        XCTAssertEqual(guardian.escape(isGenerating: true), .cancelGeneration)
        XCTAssertEqual(guardian.escape(isGenerating: false), .none)
        _ = guardian.interrupt(isGenerating: false, hasDraft: false)
        _ = guardian.escape(isGenerating: false)
        XCTAssertFalse(guardian.isArmed)
    }
}
