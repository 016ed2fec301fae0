import Foundation
import TUI
import XCTest
import TestSupport

/// Runs `TerminalSmokeDemo` on a real terminal (a tmux pane) and checks what a person
/// would: the box, title and wide characters are on screen and line up, a key ends
/// it, and afterwards the terminal settings are exactly as before, also when the
/// program is stopped with Ctrl-C (SIGINT) or SIGTERM.
///
/// The demo is test code, so the pane runs this same test bundle, filtered to
/// `TerminalSmokeChildTests`, which only runs the demo when the environment asks for it.
final class TerminalSmokeTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tui-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: work)
    }

    /// Standard input is pointed at /dev/null for the check, so it runs the same whether
    /// the test runner has a terminal or not.
    func testStartOutsideATerminalThrowsInsteadOfExiting() throws {
        let saved = dup(STDIN_FILENO)
        let null = open("/dev/null", O_RDONLY)
        XCTAssertGreaterThanOrEqual(saved, 0)
        XCTAssertGreaterThanOrEqual(null, 0)
        XCTAssertEqual(dup2(null, STDIN_FILENO), STDIN_FILENO)
        close(null)
        defer { dup2(saved, STDIN_FILENO); close(saved) }
        XCTAssertThrowsError(try Terminal.start()) { error in
            XCTAssertEqual(error as? TerminalError, .notATerminal)
        }
        XCTAssertFalse(Terminal.isRunning)
    }

    func testDemoDrawsWaitsForAKeyAndRestoresTheTerminal() throws {
        let tmux = try startDemo()
        let screen = try tmux.waitForScreen { $0.joined().contains(TerminalSmokeDemo.prompt) }
        let text = screen.joined(separator: "\n")
        XCTAssertTrue(text.contains(TerminalSmokeDemo.title), "title missing:\n\(text)")
        XCTAssertTrue(text.contains("Terminal check"), text)
        XCTAssertTrue(text.contains(TerminalSmokeDemo.wideLine), "wide line missing:\n\(text)")

        // The right border must be in the same column on every row of the box: it only
        // is if the wrapper's DisplayWidth agrees with the terminal about CJK and emoji.
        let boxRows = screen.filter { $0.contains("│") || $0.contains("┌") || $0.contains("└") }
        XCTAssertEqual(boxRows.count, 7, "box rows:\n\(text)")
        let rightEdges = Set(boxRows.map { row in DisplayWidth.of(row.trimmingTrailingSpaces()) })
        XCTAssertEqual(rightEdges.count, 1, "right border not aligned:\n\(boxRows.joined(separator: "\n"))")

        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
        XCTAssertEqual(try String(contentsOf: work.appendingPathComponent("key"), encoding: .utf8), "character(\"q\")")
    }

    func testCtrlCRestoresTheTerminalAndEndsWithSIGINT() throws {
        let tmux = try startDemo()
        _ = try tmux.waitForScreen { $0.joined().contains(TerminalSmokeDemo.prompt) }
        try tmux.sendKeys("C-c")
        XCTAssertEqual(try waitForResult(), "rc=130 same=yes")  // 128 + SIGINT
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("key").path))
    }

    func testSIGTERMRestoresTheTerminal() throws {
        let tmux = try startDemo()
        _ = try tmux.waitForScreen { $0.joined().contains(TerminalSmokeDemo.prompt) }
        let pidText = try String(contentsOf: work.appendingPathComponent("pid"), encoding: .utf8)
        let pid = try XCTUnwrap(pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(pid, SIGTERM), 0)
        XCTAssertEqual(try waitForResult(), "rc=143 same=yes")  // 128 + SIGTERM
        _ = tmux
    }

    /// Starts the demo in tmux through a small shell script that records the exit
    /// status and whether `stty -g` (all terminal settings) is unchanged afterwards.
    private func startDemo() throws -> TmuxHarness {
        let tmux = try TmuxHarness.required()
        let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let script = """
        trap 'true' INT
        before=$(stty -g)
        MEDGEMMA_TUI_SMOKE_DIR='\(work.path)' '\(bundle)' TUITests.TerminalSmokeChildTests/testRunDemo
        rc=$?
        after=$(stty -g)
        if [ "$before" = "$after" ]; then same=yes; else same=no; fi
        echo "rc=$rc same=$same" > '\(work.path)/result.tmp'
        mv '\(work.path)/result.tmp' '\(work.path)/result'
        """
        let scriptPath = work.appendingPathComponent("run.sh").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try tmux.start("LANG=C.UTF-8 LC_ALL=C.UTF-8 sh '\(scriptPath)'")
        return tmux
    }

    private func waitForResult(timeout: TimeInterval = 30) throws -> String {
        guard let text = TmuxHarness.waitForFile(work.appendingPathComponent("result").path, timeout: timeout) else {
            XCTFail("the demo did not finish within \(timeout) s")
            return ""
        }
        return text
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
