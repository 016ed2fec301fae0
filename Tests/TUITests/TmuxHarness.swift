import Foundation
import XCTest

/// Runs a command in a detached tmux session on a private server socket, the way a
/// person would look at it: read the screen, type keys, wait for it to finish.
final class TmuxHarness {
    let socket = "medgemma-tui-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let session = "smoke"
    private let tmux: String

    /// nil when tmux is not installed.
    init?() {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        tmux = path
    }

    deinit { _ = try? run(["kill-server"]) }

    /// Starts `command` (a shell command line) in an 80×24 pane.
    func start(_ command: String) throws {
        // -f /dev/null: the user's tmux.conf must not change what the test sees.
        try run(["-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", session, command], check: true)
    }

    /// The visible pane text, one string per row.
    func screen() throws -> [String] {
        try run(["capture-pane", "-p", "-t", session]).components(separatedBy: "\n")
    }

    /// Types keys (tmux key names: "q", "C-c", "Enter").
    func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", session] + keys, check: true)
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; returns the last screen.
    func waitForScreen(timeout: TimeInterval = 30, _ predicate: ([String]) -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String] = []
        while Date() < deadline {
            last = (try? screen()) ?? []
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return last
    }

    @discardableResult
    private func run(_ arguments: [String], check: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmux)
        process.arguments = ["-L", socket, "-u"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")  // nested inside a developer's tmux
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if check && process.terminationStatus != 0 {
            throw NSError(domain: "tmux", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "tmux \(arguments.first ?? ""): \(text)"])
        }
        return text
    }
}
