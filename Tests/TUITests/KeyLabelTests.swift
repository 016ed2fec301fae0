import TUI
import XCTest

final class KeyLabelTests: XCTestCase {
    func testLabelsAreWhatPeopleSay() {
        let cases: [(Key, String)] = [
            (.control("p"), "Ctrl-P"), (.backTab, "Shift-Tab"), (.pageUp, "PgUp"), (.pageDown, "PgDn"),
            (.altEnter, "Alt-Enter"), (.alt("b"), "Alt-b"), (.function(1), "F1"), (.character(" "), "Space"),
            (.character("?"), "?"), (.escape, "Esc"), (.enter, "Enter"), (.tab, "Tab"),
            (.controlLeft, "Ctrl-←"), (.wheelDown, "Wheel ↓"), (.home, "Home"), (.backspace, "Backspace"),
        ]
        for (key, label) in cases {
            XCTAssertEqual(key.label, label)
        }
    }

    func testEscapeFollowedByAKeyIsAnAltChord() {
        XCTAssertEqual(Key.alt(after: .character("f")), .alt("f"))
        XCTAssertEqual(Key.alt(after: .enter), .altEnter)
        XCTAssertNil(Key.alt(after: .up))
        XCTAssertNil(Key.alt(after: .escape))
    }
}
