import Foundation
import XCTest

/// Runs a command in a detached tmux session on a private server socket, the way a
/// person would look at it: read the screen, type keys, wait for it to finish.
public final class TmuxHarness {
    public let socket = "medgemma-tui-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    public let session = "smoke"
    private let tmux: String

    /// tmux on this machine; missing, a skip or, under `make test`, a failure (`TestRequirement.tools`).
    public static func required(file: StaticString = #filePath, line: UInt = #line) throws -> TmuxHarness {
        guard let harness = TmuxHarness() else {
            throw TestRequirement.tools.unavailable("tmux is not installed; run Tools/install-deps.sh --test", file: file, line: line)
        }
        return harness
    }

    /// nil when tmux is not installed.
    public init?() {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        tmux = path
    }

    deinit { _ = try? run(["kill-server"]) }

    /// Starts `command` (a shell command line) in an 80×24 pane.
    public func start(_ command: String) throws {
        // -f /dev/null: the user's tmux.conf must not change what the test sees.
        try run(["-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", session, command], check: true)
    }

    /// Starts `command` in a pane of the given size.
    public func start(_ command: String, columns: Int, rows: Int) throws {
        try run(["-f", "/dev/null", "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", "-s", session, command],
                check: true)
    }

    /// Resizes the session's window (the program gets SIGWINCH, as when a person
    /// resizes the terminal).
    public func resize(columns: Int, rows: Int) throws {
        try run(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"], check: true)
    }

    /// Pastes `text` into the pane as a terminal paste: bracketed (`ESC [200~ … ESC [201~`)
    /// when the program turned bracketed paste on, as a real terminal does.
    public func paste(_ text: String) throws {
        try run(["set-buffer", "-b", "harness", text], check: true)
        try run(["paste-buffer", "-p", "-d", "-b", "harness", "-t", session], check: true)
    }

    /// The visible pane text, one string per row.
    /// Sets a server option, e.g. `set-clipboard on` so OSC 52 copies reach tmux's buffers.
    public func setOption(_ name: String, _ value: String) throws {
        try run(["set-option", "-s", name, value], check: true)
    }

    /// The newest paste buffer (what an OSC 52 copy put there).
    public func showBuffer() throws -> String {
        try run(["show-buffer"], check: true)
    }

    public func screen() throws -> [String] {
        try run(["capture-pane", "-p", "-t", session]).components(separatedBy: "\n")
    }

    /// The pane's text with up to `lines` rows of scrollback above the visible ones: what a
    /// program printed after leaving the full screen may have scrolled up.
    public func screenWithHistory(lines: Int = 2000) throws -> [String] {
        try run(["capture-pane", "-p", "-J", "-S", "-\(lines)", "-t", session]).components(separatedBy: "\n")
    }

    /// Types keys (tmux key names: "q", "C-c", "Enter").
    public func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", session] + keys, check: true)
    }

    /// Polls for a file the program under test writes when it ends (its exit status, a
    /// result); returns its trimmed text, or nil after `timeout`.
    public static func waitForFile(_ path: String, timeout: TimeInterval = 30) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; returns the last screen.
    public func waitForScreen(timeout: TimeInterval = 30, _ predicate: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = (try? screen()) ?? []
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return last
    }

    /// Runs one tmux client command and returns its output.
    ///
    /// Uses `posix_spawn` and `waitpid` rather than Foundation's `Process`: the tmux
    /// server that `new-session` forks inherits the client's descriptors, and
    /// `Process` (pipes, and its exit-monitoring socket) would wait for the server
    /// to exit too. Output goes to a file for the same reason.
    @discardableResult
    private func run(_ arguments: [String], check: Bool = false) throws -> String {
        let outputPath = NSTemporaryDirectory() + "/\(socket)-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }

        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")  // nested inside a developer's tmux
        let argv = ([tmux, "-L", socket, "-u"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tmux, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: "tmux", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run tmux"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exitedCleanly = status & 0x7F == 0 && (status >> 8) & 0xFF == 0
        if check && !exitedCleanly {
            throw NSError(domain: "tmux", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "tmux \(arguments.first ?? ""): \(text)"])
        }
        return text
    }
}
