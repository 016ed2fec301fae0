import TUI
import XCTest

final class HelpOverlayTests: XCTestCase {
    private let overlay = HelpOverlay()

    func testSectionsFollowTheContexts() {
        XCTAssertEqual(overlay.sections.map(\.title),
                       ["Everywhere", "Message input", "Outside the input", "Transcript", "Image", "Report"])
    }

    func testKeysForOneCommandAreShownTogether() {
        let everywhere = overlay.sections[0]
        let cancel = everywhere.entries.first { $0.command == .action(.cancel) }
        XCTAssertEqual(cancel?.keyLabel, "Esc, Ctrl-C")
        XCTAssertEqual(cancel?.summary, Action.cancel.summary)
        let image = overlay.sections.first { $0.context == .image }!
        XCTAssertEqual(image.entries.first?.keyLabel, "+, =")
        XCTAssertEqual(image.entries.first?.summary, "Magnify the image")
        let report = overlay.sections.first { $0.context == .report }!
        XCTAssertEqual(report.entries.map(\.keyLabel), ["Ctrl-G", "Ctrl-Z", "Ctrl-Y", "Esc"])
        XCTAssertEqual(report.entries[2].summary, Action.redo.summary)
    }

    func testLinesAlignTheDescriptions() {
        let lines = overlay.lines()
        // The widest key label is "Alt-Enter, Ctrl-J" (17 columns), so every description
        // starts at column 2 + 17 + 2 = 21.
        let entryLines = lines.filter { $0.hasPrefix("  ") }
        XCTAssertEqual(entryLines.count, overlay.sections.map(\.entries.count).reduce(0, +))
        XCTAssertTrue(entryLines.contains("  Alt-Enter, Ctrl-J  New line in the input without sending"))
        XCTAssertTrue(entryLines.contains("  Esc, Ctrl-C        Stop the running generation (twice when idle: quit)"))
        // Arrows are one column each, so "Ctrl-←, Alt-b" is 13 wide and padded by 4.
        XCTAssertTrue(entryLines.contains("  Ctrl-←, Alt-b      Previous word"))
        XCTAssertEqual(lines.first, "Everywhere")
        XCTAssertTrue(lines.last!.contains("Ctrl-P"))
    }
}
