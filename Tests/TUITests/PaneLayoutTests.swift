import XCTest
@testable import TUI

final class PaneLayoutTests: XCTestCase {
    /// For every size from the minimum up to a large terminal: the panes do not overlap,
    /// stay on screen, cover every cell but none twice, and the status bar is the last row.
    func testPanesTileTheScreenAtEverySize() {
        for rows in stride(from: 18, through: 70, by: 1) {
            for columns in stride(from: 60, through: 260, by: 7) {
                for inputLines in [1, 3, 40] {
                    guard let layout = PaneLayout.compute(rows: rows, columns: columns, inputLines: inputLines) else {
                        return XCTFail("no layout at \(rows)×\(columns)")
                    }
                    var covered = [Int](repeating: 0, count: rows * columns)
                    for rect in [layout.casePane, layout.imagePane, layout.transcript, layout.input, layout.statusBar] {
                        XCTAssertGreaterThan(rect.rows, 0, "\(rows)×\(columns)")
                        XCTAssertGreaterThan(rect.columns, 0, "\(rows)×\(columns)")
                        for r in rect.row..<rect.bottom { for c in rect.column..<rect.right { covered[r * columns + c] += 1 } }
                    }
                    XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "\(rows)×\(columns) input \(inputLines): overlap or gap")
                    XCTAssertEqual(layout.statusBar.row, rows - 1)
                    XCTAssertGreaterThanOrEqual(layout.transcript.rows, 3, "\(rows)×\(columns): the transcript keeps some room")
                }
            }
        }
    }

    func testBelowTheMinimumThereIsNoLayout() {
        XCTAssertNil(PaneLayout.compute(rows: 17, columns: 200))
        XCTAssertNil(PaneLayout.compute(rows: 50, columns: 59))
        XCTAssertNotNil(PaneLayout.compute(rows: 18, columns: 60))
    }

    /// Wide terminals: case over image on the left, chat on the right; narrow ones: case
    /// and image side by side on top. The input box grows with the draft, up to a third.
    func testArrangementAndInputGrowth() throws {
        let wide = try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 160))
        XCTAssertEqual(wide.casePane.column, wide.imagePane.column)
        XCTAssertEqual(wide.imagePane.row, wide.casePane.bottom)
        XCTAssertEqual(wide.transcript.column, wide.casePane.right)
        let narrow = try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 100))
        XCTAssertEqual(narrow.casePane.row, narrow.imagePane.row)
        XCTAssertEqual(narrow.imagePane.column, narrow.casePane.right)
        XCTAssertEqual(narrow.transcript.row, narrow.casePane.bottom)
        XCTAssertEqual(try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 160, inputLines: 1)).input.rows, 3)
        XCTAssertEqual(try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 160, inputLines: 4)).input.rows, 6)
        XCTAssertEqual(try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 160, inputLines: 100)).input.rows, 13 + 2)
    }
}
