import Foundation
import Glibc

/// The user's home and XDG base directories, resolved in this one place from an environment.
///
/// Why one place: Foundation's `NSHomeDirectory()` on Linux reads the password database
/// and ignores `$HOME`, while the shell, `make` and the scripts in `Tools/` go by `$HOME`.
/// Code that mixed the two looked in different places whenever `HOME` was set to anything
/// but the password database's entry (a test run with its own `HOME`, a container, `sudo`):
/// themes, config, models and the test server's venv could each be looked for under a
/// different home. Everything that needs the home or an XDG directory asks this type.
///
/// - `home`: `$HOME` when it is an absolute path; else the password database's entry for
///   this user (`getpwuid(getuid())`); else `/tmp`.
/// - `configHome`, `cacheHome`, `dataHome`: `$XDG_CONFIG_HOME`, `$XDG_CACHE_HOME`,
///   `$XDG_DATA_HOME` when absolute, else `home` + `/.config`, `/.cache`, `/.local/share`.
///   By the XDG base-directory spec a relative value is invalid and ignored, as is an
///   empty one.
public struct UserDirectories: Sendable, Equatable {
    public let home: String
    public let configHome: String
    public let cacheHome: String
    public let dataHome: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = Self.absolute(environment["HOME"]) ?? Self.passwordDatabaseHome() ?? "/tmp"
        func base(_ variable: String, _ fallback: String) -> String {
            Self.absolute(environment[variable]) ?? Self.join(home, fallback)
        }
        self.home = home
        configHome = base("XDG_CONFIG_HOME", ".config")
        cacheHome = base("XDG_CACHE_HOME", ".cache")
        dataHome = base("XDG_DATA_HOME", ".local/share")
    }

    /// `~` and `~/…` with the home directory put in; any other path as it is (`~user/…`
    /// is not expanded).
    public func expandingTilde(_ path: String) -> String {
        if path == "~" { return home }
        guard path.hasPrefix("~/") else { return path }
        return Self.join(home, String(path.dropFirst(2)))
    }

    /// The password database's home directory for this process's user; nil where there
    /// is no entry or it is not an absolute path.
    public static func passwordDatabaseHome() -> String? {
        let suggested = sysconf(Int32(_SC_GETPW_R_SIZE_MAX))
        var size = suggested > 0 ? suggested : 16_384
        // getpwuid_r: the reentrant getpwuid, safe beside other threads; the strings it
        // returns live in `buffer`, so they are read before it goes.
        while size <= 1 << 20 {
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
            defer { buffer.deallocate() }
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            let status = getpwuid_r(getuid(), &entry, buffer, size, &result)
            if status == ERANGE {
                size *= 2
                continue
            }
            guard status == 0, result != nil, let directory = entry.pw_dir else { return nil }
            return absolute(String(cString: directory))
        }
        return nil
    }

    private static func absolute(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/") else { return nil }
        return value
    }

    private static func join(_ directory: String, _ name: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + name
    }
}
