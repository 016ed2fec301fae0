import XCTest
import TestSupport

/// Bare `medgemma` in a real pseudo-terminal (tmux): the start screen shows what was loaded
/// and q quits cleanly.
final class WorkstationLaunchTests: XCTestCase {
    func testStartScreenOpensAndQuits() throws {
        let model = try TestEnvironment.defaultModel()
        guard let tmux = TmuxHarness() else { throw XCTSkip("tmux is not installed") }
        try tmux.start("'\(TestEnvironment.executable)' --model '\(model)' --samples samples; echo EXIT=$?; sleep 60")
        let screen = try tmux.waitForScreen { $0.contains { $0.contains("q quit") } }.joined(separator: "\n")
        XCTAssertTrue(screen.contains("MedGemma Workstation"), screen)
        XCTAssertTrue(screen.contains("Gemma 3 270m — 18 layers, d=640, 262144 tokens"), screen)
        XCTAssertTrue(screen.contains("not for clinical use"), screen)
        try tmux.sendKeys("q")
        let after = try tmux.waitForScreen { $0.contains { $0.contains("EXIT=") } }
        XCTAssertTrue(after.contains { $0.contains("EXIT=0") }, after.joined(separator: "\n"))
    }

    func testWithoutATerminalItExplainsInOneLine() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["--model", model])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "medgemma: the workstation needs an interactive terminal; for scripts use 'medgemma ask' (see 'medgemma --help')\n")
        let bad = try CommandRunner.medgemma(["--bogus"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "medgemma: unknown option '--bogus' (see 'medgemma --help')\n")
    }
}
