import TUI
import XCTest

final class CommandPaletteTests: XCTestCase {
    private let palette = CommandPalette()

    func testEmptyQueryListsEverythingInTableOrder() {
        XCTAssertEqual(palette.matches("").map(\.action), Action.allCases)
        XCTAssertEqual(palette.matches("   ").map(\.action), Action.allCases)
    }

    func testPrefixBeatsWordStartBeatsSubsequence() {
        // "re": names/titles starting with it (redo, redraw, then regenerate and reset-view:
        // same length, so table order), then "re" starting a later word (signoff's title
        // "Sign off report", copy-reply, open-report, save-report, draft-report: shorter
        // name first), then scattered matches such as "previous".
        let ranked = palette.matches("re").map(\.action)
        XCTAssertEqual(Array(ranked.prefix(9)),
                       [.redo, .redraw, .regenerate, .resetView, .signOff, .copyReply, .openReport, .saveReport, .draftReport])
        XCTAssertTrue(ranked.dropFirst(9).contains(.previousImage))
        XCTAssertFalse(ranked.contains(.zoomIn))
    }

    func testRanks() {
        XCTAssertEqual(PaletteMatchRank.of("reg", in: "regenerate"), .prefix)
        XCTAssertEqual(PaletteMatchRank.of("set temp", in: "set-temperature"), .prefix)
        XCTAssertEqual(PaletteMatchRank.of("tok", in: "set-max-tokens"), .wordStart)
        XCTAssertEqual(PaletteMatchRank.of("et", in: "export-transcript"), .wordStart)  // initials
        XCTAssertEqual(PaletteMatchRank.of("tmp", in: "set-temperature"), .subsequence)
        XCTAssertEqual(PaletteMatchRank.of("REG", in: "Regenerate reply"), .prefix)
        XCTAssertNil(PaletteMatchRank.of("xyz", in: "regenerate"))
        XCTAssertNil(PaletteMatchRank.of("rz", in: "regenerate"))
    }

    func testTypicalQueries() {
        XCTAssertEqual(palette.matches("et").first?.action, .exportTranscript)
        XCTAssertEqual(palette.matches("tok").first?.action, .setMaxTokens)
        XCTAssertEqual(palette.matches("temp").first?.action, .setTemperature)
        XCTAssertEqual(palette.matches("NEW").map(\.action).prefix(2), [.newline, .newChat])  // shorter name first
        XCTAssertEqual(palette.matches("new ch").first?.action, .newChat)
        XCTAssertEqual(palette.matches("zoom").map(\.action), [.zoomIn, .zoomOut])
        XCTAssertEqual(palette.matches("equalisation").first?.action, .equalize)  // by title
        XCTAssertEqual(palette.matches("qqqq"), [])
    }

    func testSelectionFollowsTheQuery() {
        var palette = CommandPalette()
        XCTAssertEqual(palette.list.results.map(\.action), Action.allCases)
        palette.list.query = "zoom"
        XCTAssertEqual(palette.list.selected?.action, .zoomIn)
        palette.list.selectNext()
        XCTAssertEqual(palette.list.selected?.action, .zoomOut)
        palette.list.query = "theme"
        XCTAssertEqual(palette.list.selectedIndex, 0)
        XCTAssertEqual(palette.list.selected?.action, .theme)
    }

    func testEntriesShowKeysAndPrefill() {
        let byAction = Dictionary(uniqueKeysWithValues: palette.entries.map { ($0.action, $0) })
        XCTAssertEqual(byAction[.palette]?.keyLabel, "Ctrl-P")
        XCTAssertEqual(byAction[.cancel]?.keyLabel, "Esc")
        XCTAssertEqual(byAction[.clear]?.keyLabel, "")
        XCTAssertEqual(byAction[.setTemperature]?.commandLinePrefill, ":set-temperature ")
    }
}
