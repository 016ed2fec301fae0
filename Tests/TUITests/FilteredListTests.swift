import TUI
import XCTest

final class FilteredListTests: XCTestCase {
    private let words = ["alpha", "beta", "gamma", "delta"]

    private func list() -> FilteredList<String> {
        let words = words
        return FilteredList { query in words.filter { query.isEmpty || $0.contains(query) } }
    }

    func testStartsWithEverythingAndTheFirstHighlighted() {
        let list = list()
        XCTAssertEqual(list.results, words)
        XCTAssertEqual(list.selectedIndex, 0)
        XCTAssertEqual(list.selected, "alpha")
    }

    func testSelectionWrapsRoundBothWays() {
        var list = list()
        var visited: [String?] = []
        for _ in 0..<5 {
            list.selectNext()
            visited.append(list.selected)
        }
        XCTAssertEqual(visited, ["beta", "gamma", "delta", "alpha", "beta"])
        list.selectPrevious()
        list.selectPrevious()
        XCTAssertEqual(list.selected, "delta", "wraps round backwards too")
    }

    func testANewQueryRefiltersAndHighlightsTheFirstMatch() {
        var list = list()
        list.selectNext()
        list.query = "ta"
        XCTAssertEqual(list.results, ["beta", "delta"])
        XCTAssertEqual(list.selectedIndex, 0)
        list.query = "zzz"
        XCTAssertEqual(list.results, [])
        XCTAssertNil(list.selected)
        list.selectNext()
        list.selectPrevious()
        XCTAssertEqual(list.selectedIndex, 0, "nothing to move over")
    }

    func testOverlayKeysEditTheQueryAndMoveTheHighlight() {
        var list = list()
        XCTAssertTrue(list.handle(.character("t")))
        XCTAssertTrue(list.handle(.character("a")))
        XCTAssertEqual(list.query, "ta")
        XCTAssertTrue(list.handle(.down))
        XCTAssertEqual(list.selected, "delta")
        XCTAssertTrue(list.handle(.tab))
        XCTAssertEqual(list.selected, "beta")
        XCTAssertTrue(list.handle(.up))
        XCTAssertEqual(list.selected, "delta")
        XCTAssertTrue(list.handle(.backspace))
        XCTAssertEqual(list.query, "t")
        XCTAssertEqual(list.selectedIndex, 0)
        XCTAssertTrue(list.handle(.backspace))
        XCTAssertTrue(list.handle(.backspace), "an empty query stays empty")
        XCTAssertEqual(list.query, "")
        XCTAssertFalse(list.handle(.enter))
        XCTAssertFalse(list.handle(.escape))
    }
}
