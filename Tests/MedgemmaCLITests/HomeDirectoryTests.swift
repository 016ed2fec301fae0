import Foundation
import TestSupport
import XCTest

/// `medgemma` with `HOME` set to a folder of its own and no XDG variable: the config file,
/// the `~/` in it and the user's themes are all found under that HOME, as the shell and
/// `make` see it — every directory comes from `UserDirectories`, none from the password
/// database while `HOME` is set.
final class HomeDirectoryTests: XCTestCase {
    private var home = ""

    override func setUpWithError() throws {
        home = NSTemporaryDirectory() + "home-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: home + "/.config/medgemma/themes", withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: home) }

    /// The test's HOME and no XDG variable (an empty one counts as unset), no config or key
    /// named outside it.
    private var environment: [String: String] {
        ["HOME": home, "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": "", "XDG_DATA_HOME": "",
         "MEDGEMMA_CONFIG": "", "MEDGEMMA_API_KEY": ""]
    }

    /// `~/.config/medgemma/config` under HOME chooses the server, and its `api-key-file = ~/key`
    /// is read under the same HOME (nothing listens on port 1, so the check itself fails).
    func testConfigAndItsKeyFileAreReadUnderHome() throws {
        try "backend = http://127.0.0.1:1/v1\napi-key-file = ~/key\n"
            .write(toFile: home + "/.config/medgemma/config", atomically: true, encoding: .utf8)
        XCTAssertTrue(FileManager.default.createFile(atPath: home + "/key", contents: Data("sk-home-test\n".utf8),
                                                    attributes: [.posixPermissions: 0o600]))
        let r = try CommandRunner.medgemma(["backends", "check"], environment: environment)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("server  http://127.0.0.1:1/v1 (with API key)\n"), r.stdout + r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains("sk-home-test"))
    }

    /// `--theme mine` finds `~/.config/medgemma/themes/mine.theme` under HOME: its mistake
    /// is in the status bar, and the workstation runs on with the default theme.
    func testUserThemeIsFoundUnderHome() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try TmuxHarness.required()
        try "# mine\ntext = white on black\nstatus-bar = bleu on black\n"
            .write(toFile: home + "/.config/medgemma/themes/mine.theme", atomically: true, encoding: .utf8)
        let unset = ["XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "MEDGEMMA_CONFIG", "MEDGEMMA_THEMES"]
            .map { "-u \($0)" }.joined(separator: " ")
        try tmux.start("env \(unset) HOME='\(home)' '\(TestEnvironment.executable)' --model '\(model)' --samples samples "
                       + "--theme mine; echo EXIT=$?; sleep 60", columns: 120, rows: 40)
        let error = "mine.theme:3: unknown colour 'bleu'"
        let screen = try tmux.waitForScreen { $0.contains { $0.contains(error) } }
        XCTAssertTrue(screen.contains { $0.contains(error) }, screen.joined(separator: "\n"))
        // Tab leaves the input box (where q would be typed), then q quits.
        try tmux.sendKeys("Tab")
        try tmux.sendKeys("q")
        let after = try tmux.waitForScreen { $0.contains { $0.contains("EXIT=") } }
        XCTAssertTrue(after.contains { $0.contains("EXIT=0") }, after.joined(separator: "\n"))
    }
}
