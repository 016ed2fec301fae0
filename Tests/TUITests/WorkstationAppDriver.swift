import Foundation
import XCTest
import TestSupport

/// The workstation started in a tmux pane the way the tmux tests drive it — the real
/// binary and, by default, the real model — with its own XDG folders under `work`, and a
/// wrapper script that records the exit status and whether the terminal settings came back.
/// Shared by the feature tests, the fault tests and the soak test.
struct WorkstationAppDriver {
    /// The test's folder: `data`, `config`, `cache` (XDG), `pid` while running, `result` after.
    let work: URL

    var pidFile: String { work.appendingPathComponent("pid").path }
    var resultFile: String { work.appendingPathComponent("result").path }

    /// Starts the workstation at `columns`×`rows` through a script that records its exit
    /// status and whether every terminal setting (`stty -g`) is back as it was.
    /// `environment`: assignments for the shell line; by default `NO_COLOR` (which
    /// `swift test` sets) is removed so the image is drawn in colour half-blocks.
    /// `limits`: shell commands run just before the program (`ulimit -f 8`), for faults.
    /// `dataHome`: XDG_DATA_HOME when not `work/data` (a folder that cannot be made).
    /// `errorLog`: a file for the program's standard error (a crash's backtrace whole).
    /// `localModel`: false for a server backend (a model file would be refused beside it).
    func start(environment: String = "env -u NO_COLOR", samples: String = TestEnvironment.samples.path,
               arguments: String = "", localModel: Bool = true, modelPath: String? = nil,
               limits: String = "", dataHome: String? = nil, columns: Int = 120, rows: Int = 40,
               errorLog: String? = nil) throws -> TmuxHarness {
        let model = localModel ? "--model '\(try modelPath ?? TestEnvironment.defaultModel())'" : ""
        let tmux = try TmuxHarness.required()
        let executable = try TestEnvironment.builtExecutable()
        let data = dataHome ?? work.path + "/data"
        let script = """
        before=$(stty -g)
        PIDFILE='\(pidFile)'; export PIDFILE
        sh -c '\(limits) echo $$ > "$PIDFILE"; exec "$@"' sh env XDG_DATA_HOME='\(data)' XDG_CONFIG_HOME='\(work.path)/config' XDG_CACHE_HOME='\(work.path)/cache' \(environment) '\(executable)' \(model) --samples '\(samples)' \(arguments)\(errorLog.map { " 2>'\($0)'" } ?? "")
        rc=$?
        after=$(stty -g)
        if [ "$before" = "$after" ]; then same=yes; else same=no; fi
        echo "rc=$rc same=$same" > '\(work.path)/result.tmp'
        mv '\(work.path)/result.tmp' '\(resultFile)'
        rm -f '\(pidFile)'
        sleep 600
        """
        let scriptPath = work.appendingPathComponent("run.sh").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try tmux.start("LANG=C.UTF-8 LC_ALL=C.UTF-8 sh '\(scriptPath)'", columns: columns, rows: rows)
        return tmux
    }

    /// The running workstation's process id (written by the start script).
    func pid() throws -> Int32 {
        try XCTUnwrap(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Types a `:` command (focus must be outside the input) and waits for its answer in
    /// the status bar.
    func command(_ tmux: TmuxHarness, _ line: String, expect answer: String,
                 file: StaticString = #filePath, line number: UInt = #line) throws {
        try tmux.sendKeys(":")
        try tmux.sendKeys("-l", line)
        try tmux.sendKeys("Enter")
        try waitFor(tmux, "':\(line)' answered", { $0.contains(answer) }, file: file, line: number)
    }

    /// Waits until the joined screen satisfies `predicate`; fails with the screen if not.
    @discardableResult
    func waitFor(_ tmux: TmuxHarness, _ what: String, timeout: TimeInterval = 30,
                 _ predicate: @escaping (String) -> Bool,
                 file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let screen = try tmux.waitForScreen(timeout: timeout) { predicate($0.joined(separator: "\n")) }
            .joined(separator: "\n")
        if !predicate(screen) { XCTFail("timed out waiting for \(what):\n\(screen)", file: file, line: line) }
        return screen
    }

    /// "rc=N same=yes|no" once the workstation has exited (removed, so it can start again).
    func waitForResult(timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let text = TmuxHarness.waitForFile(resultFile, timeout: timeout) else {
            XCTFail("the workstation did not exit within \(timeout) s", file: file, line: line)
            return ""
        }
        try? FileManager.default.removeItem(atPath: resultFile)
        return text
    }
}
