@testable import TUI
import XCTest

final class PaneFocusTests: XCTestCase {
    func testTabCyclesEveryPaneBothWays() {
        for reportOpen in [false, true] {
            let order = PaneFocus.order(reportOpen: reportOpen)
            var focus = order[0]
            var seen: [PaneFocus] = []
            for _ in order { seen.append(focus); focus = focus.cycled(by: 1, reportOpen: reportOpen) }
            XCTAssertEqual(seen, order)
            XCTAssertEqual(focus, order[0])
            for pane in order { XCTAssertEqual(pane.cycled(by: 1, reportOpen: reportOpen).cycled(by: -1, reportOpen: reportOpen), pane) }
        }
        XCTAssertEqual(PaneFocus.order(reportOpen: false), [.input, .transcript, .image, .casePane])
        XCTAssertEqual(PaneFocus.order(reportOpen: true), [.report, .image, .casePane])
        // A pane that is not on screen (the input while the report is open) goes to the first.
        XCTAssertEqual(PaneFocus.input.cycled(by: 1, reportOpen: true), .report)
        XCTAssertEqual(PaneFocus.casePane.next, .input)
    }

    func testContextsReachTheKeymap() {
        XCTAssertEqual(Keymap.standard.command(for: .character("n"), focus: PaneFocus.image.context), .action(.nextImage))
        XCTAssertEqual(Keymap.standard.command(for: .character("o"), focus: PaneFocus.casePane.context), .action(.openStudies))
        XCTAssertNil(Keymap.standard.command(for: .character("o"), focus: PaneFocus.input.context))
        XCTAssertEqual(Keymap.standard.command(for: .pageUp, focus: PaneFocus.input.context), .action(.scrollUp))
    }
}
