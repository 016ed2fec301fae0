import Foundation
import TestSupport
import XCTest

/// Ctrl-C during a long `medgemma eval --out` in a real pseudo-terminal: the progress line
/// shows items/s and an ETA, the run stops after the item in progress with status 130 and
/// says how to go on, and `--resume` finishes it from the run file.
final class EvalInterruptTests: XCTestCase {
    func testCtrlCStopsAndResumeFinishes() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try TmuxHarness.required()
        let dir = NSTemporaryDirectory() + "eval-interrupt-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = dir + "/run.jsonl", tasks = TestEnvironment.samples.appendingPathComponent("eval/mcq.jsonl").path
        // Generated answers (about a second each here) leave time to interrupt.
        try tmux.start("'\(TestEnvironment.executable)' eval --generate --max-tokens 24 --model '\(model)' --out '\(run)' '\(tasks)'; echo EXIT=$?; sleep 60")
        _ = try tmux.waitForScreen { $0.contains { $0.contains("items/s · ETA") } }
        try tmux.sendKeys("C-c")
        let screen = try tmux.waitForScreen { $0.contains { $0.contains("EXIT=") } }
        let text = screen.joined(separator: "\n")
        XCTAssertTrue(text.contains("EXIT=130"), text)
        XCTAssertTrue(text.contains("--resume"), text)
        let lines = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n")
        let done = lines.count - 1
        XCTAssertGreaterThan(done, 0, text)
        XCTAssertTrue(text.contains("stopped after \(done) of 159 items"), text)

        // Finish the first 20 only (the rest of the file would take minutes).
        let resumed = try CommandRunner.medgemma(["eval", "--generate", "--max-tokens", "24", "--model", model, "--out", run, "--resume",
                                                  "--limit", "\(max(done, 19) + 1)", tasks])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("\(done) items done"), resumed.stderr)
        let after = try String(contentsOfFile: run, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(after.count - 1, max(done, 19) + 1)
        XCTAssertEqual(Array(after.prefix(lines.count)), Array(lines), "the items done before are kept as they were")
    }
}
