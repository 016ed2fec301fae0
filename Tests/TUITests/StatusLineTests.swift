@testable import TUI
import XCTest

final class StatusLineTests: XCTestCase {
    func testStates() {
        var status = StatusLine(backendName: "Gemma · in-process", contextUsed: 310, contextSize: 4096)
        XCTAssertEqual(status.state, "idle")
        XCTAssertEqual(status.left, "Gemma · in-process · idle · context 310/4096 · focus input · ? help")
        status.isGenerating = true
        XCTAssertEqual(status.state, "generating…")
        status.tokensPerSecond = 61.26
        XCTAssertEqual(status.state, "generating 61.3 tok/s")
        status.contextSize = nil
        status.focus = .image
        XCTAssertEqual(status.left, "Gemma · in-process · generating 61.3 tok/s · focus image · ? help")
    }

    func testMessageTakesTheRightEndAndWinsWhenNarrow() {
        let status = StatusLine(backendName: "M", message: "Press Ctrl-C again to quit")
        let wide = status.text(width: 80)
        XCTAssertEqual(DisplayWidth.of(wide), 80)
        XCTAssertTrue(wide.hasPrefix(" M · idle"))
        XCTAssertTrue(wide.hasSuffix("Press Ctrl-C again to quit "))
        let narrow = status.text(width: 20)
        XCTAssertLessThanOrEqual(DisplayWidth.of(narrow), 20)
        XCTAssertTrue(narrow.hasPrefix("Press Ctrl-C"), narrow)
    }

    func testMessageIsOneCleanLine() {
        let status = StatusLine(backendName: "M", message: "bad\n\u{1B}[31mred")
        let text = status.text(width: 60)
        XCTAssertFalse(text.contains("\n"))
        XCTAssertFalse(text.contains("\u{1B}"))
    }

    /// A long message leaves the backend and the state readable, shortened with "…".
    func testLongMessageKeepsWhatIsHappeningNow() {
        let status = StatusLine(backendName: "Gemma 3 270m · in-process", isGenerating: true, tokensPerSecond: 61.3,
                                message: "report saved: /home/someone/studies/cxr-01/reports/report-20261129T121934Z.md + .fhir.json")
        let text = status.text(width: 80)
        XCTAssertEqual(DisplayWidth.of(text), 80)
        XCTAssertTrue(text.hasPrefix(" Gemma 3 270m · in-process · generating 61.3 tok/s"), text)
        XCTAssertTrue(text.hasSuffix("… "), text)
        XCTAssertTrue(text.contains("report saved: /home/"), text)
    }
}
