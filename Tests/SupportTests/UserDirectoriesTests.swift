import Glibc
import Support
import XCTest

/// The home and XDG directories: `$HOME` before the password database, the XDG variables
/// only when absolute, and `~/` expanded with the same home.
final class UserDirectoriesTests: XCTestCase {
    /// The password database's entry, read with plain getpwuid as a check on the type's own lookup.
    private var passwordHome: String {
        get throws {
            let entry = try XCTUnwrap(getpwuid(getuid()), "no password database entry for this user")
            return String(cString: try XCTUnwrap(entry.pointee.pw_dir))
        }
    }

    func testHomeWinsOverThePasswordDatabase() throws {
        let home = "/nonexistent/home-\(getpid())"
        XCTAssertNotEqual(home, try passwordHome)
        let user = UserDirectories(environment: ["HOME": home])
        XCTAssertEqual(user.home, home)
        XCTAssertEqual(user.configHome, home + "/.config")
        XCTAssertEqual(user.cacheHome, home + "/.cache")
        XCTAssertEqual(user.dataHome, home + "/.local/share")
    }

    func testEmptyRelativeOrMissingHomeFallsBackToThePasswordDatabase() throws {
        let expected = try passwordHome
        XCTAssertEqual(UserDirectories.passwordDatabaseHome(), expected)
        for environment in [["HOME": ""], ["HOME": "relative/home"], ["HOME": "~"], [:]] {
            let user = UserDirectories(environment: environment)
            XCTAssertEqual(user.home, expected, "\(environment)")
            XCTAssertEqual(user.configHome, (expected == "/" ? "" : expected) + "/.config", "\(environment)")
        }
    }

    func testAbsoluteXDGVariablesWinRelativeAndEmptyOnesAreIgnored() {
        let absolute = UserDirectories(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg",
                                                     "XDG_CACHE_HOME": "/var/cache/u", "XDG_DATA_HOME": "/data"])
        XCTAssertEqual(absolute.configHome, "/cfg")
        XCTAssertEqual(absolute.cacheHome, "/var/cache/u")
        XCTAssertEqual(absolute.dataHome, "/data")
        // By the XDG spec a relative path is invalid and ignored; empty is as if unset.
        let relative = UserDirectories(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "cfg",
                                                     "XDG_CACHE_HOME": "./cache", "XDG_DATA_HOME": ""])
        XCTAssertEqual(relative.configHome, "/home/u/.config")
        XCTAssertEqual(relative.cacheHome, "/home/u/.cache")
        XCTAssertEqual(relative.dataHome, "/home/u/.local/share")
        // A trailing slash on HOME, or HOME=/, gives no doubled slash.
        XCTAssertEqual(UserDirectories(environment: ["HOME": "/home/u/"]).configHome, "/home/u/.config")
        XCTAssertEqual(UserDirectories(environment: ["HOME": "/"]).cacheHome, "/.cache")
    }

    func testTildeExpansion() {
        let user = UserDirectories(environment: ["HOME": "/home/u"])
        XCTAssertEqual(user.expandingTilde("~/.config/medgemma/api-key"), "/home/u/.config/medgemma/api-key")
        XCTAssertEqual(user.expandingTilde("~"), "/home/u")
        XCTAssertEqual(user.expandingTilde("~/"), "/home/u/")
        // Only the user's own home: other forms are left as they are.
        XCTAssertEqual(user.expandingTilde("~other/file"), "~other/file")
        XCTAssertEqual(user.expandingTilde("/abs/~/file"), "/abs/~/file")
        XCTAssertEqual(user.expandingTilde("relative/file"), "relative/file")
        XCTAssertEqual(UserDirectories(environment: ["HOME": "/"]).expandingTilde("~/x"), "/x")
    }
}
