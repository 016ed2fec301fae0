import Foundation
import TUI
import XCTest

/// The program side of `TerminalSmokeTests`: runs the demo when started inside the
/// tmux pane (MEDGEMMA_TUI_SMOKE_DIR set), and is skipped in a normal test run.
final class TerminalSmokeChildTests: XCTestCase {
    func testRunDemo() throws {
        guard let directory = ProcessInfo.processInfo.environment["MEDGEMMA_TUI_SMOKE_DIR"] else {
            throw XCTSkip("only runs inside TerminalSmokeTests' tmux pane")
        }
        try "\(getpid())".write(toFile: directory + "/pid", atomically: true, encoding: .utf8)
        let key = try TerminalSmokeDemo.run()
        try "\(key)".write(toFile: directory + "/key", atomically: true, encoding: .utf8)
    }
}
