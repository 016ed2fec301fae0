import XCTest
import TestSupport

/// Ctrl-C during `medgemma ask` in a real pseudo-terminal stops generation cleanly: what was
/// written stays, the timing line says "cancelled", the exit status is 130.
final class AskInterruptTests: XCTestCase {
    func testCtrlCStopsGenerationCleanly() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try TmuxHarness.required()
        try tmux.start("'\(TestEnvironment.executable)' ask --model '\(model)' --max-tokens 5000 --ctx 8192 --temperature 0 "
                       + "'What is the capital of France? Answer in one sentence.'; echo EXIT=$?; sleep 60")
        // Wait until the answer is streaming, then interrupt.
        _ = try tmux.waitForScreen { $0.contains { $0.contains("capital of France") } }
        try tmux.sendKeys("C-c")
        let screen = try tmux.waitForScreen { $0.contains { $0.contains("EXIT=") } }
        let text = screen.joined(separator: "\n")
        XCTAssertTrue(screen.contains { $0.contains("EXIT=130") }, text)
        XCTAssertTrue(text.contains("(cancelled)"), text)
        XCTAssertTrue(text.contains("not for clinical use"), text)
    }
}
