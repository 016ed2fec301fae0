@testable import TUI
import XCTest

final class PaneFocusTests: XCTestCase {
    func testTabCyclesEveryPaneBothWays() {
        var focus = PaneFocus.input
        var seen: [PaneFocus] = []
        for _ in PaneFocus.allCases { seen.append(focus); focus = focus.next }
        XCTAssertEqual(focus, .input)
        XCTAssertEqual(Set(seen).count, PaneFocus.allCases.count)
        for pane in PaneFocus.allCases { XCTAssertEqual(pane.next.previous, pane) }
    }

    func testContextsReachTheKeymap() {
        XCTAssertEqual(Keymap.standard.command(for: .character("n"), focus: PaneFocus.image.context), .action(.nextImage))
        XCTAssertEqual(Keymap.standard.command(for: .character("o"), focus: PaneFocus.casePane.context), .action(.openStudies))
        XCTAssertNil(Keymap.standard.command(for: .character("o"), focus: PaneFocus.input.context))
        XCTAssertEqual(Keymap.standard.command(for: .pageUp, focus: PaneFocus.input.context), .action(.scrollUp))
    }
}
