import XCTest
import TestSupport

/// Bare `medgemma` in a real pseudo-terminal (tmux): the workstation opens on the shipped
/// samples with the model idle, and quits cleanly. (Its panes and keys are tested in
/// TUITests.WorkstationAppTmuxTests.)
final class WorkstationLaunchTests: XCTestCase {
    func testWorkstationOpensAndQuits() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try TmuxHarness.required()
        try tmux.start("'\(TestEnvironment.executable)' --model '\(model)' --samples samples; echo EXIT=$?; sleep 60")
        let screen = try tmux.waitForScreen { $0.contains { $0.contains("in-process · idle") } }.joined(separator: "\n")
        XCTAssertTrue(screen.contains("not for clinical use"), screen)
        // Tab leaves the input box (where q would be typed), then q quits.
        try tmux.sendKeys("Tab")
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
