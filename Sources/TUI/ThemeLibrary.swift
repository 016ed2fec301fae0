import Foundation
import Support
import Workstation

/// The themes there are to choose from: the shipped `Themes/` directory and the user's
/// `~/.config/medgemma/themes/`, where a theme overrides a shipped one of the same name.
/// A theme is a file `NAME.theme`; the built-in `Theme.defaultDark` is always there as
/// `dark`, even without any directory.
public struct ThemeLibrary: Sendable {
    /// The shipped themes (`Themes/` of the repository); nil when not found.
    public let shippedDirectory: String?
    /// The user's themes; nil for none.
    public let userDirectory: String?
    /// The home directory a theme file's path is shown relative to (`~/…`).
    public let homeDirectory: String
    /// The name of the built-in theme.
    public static let defaultName = "dark"
    /// Listed and cycled first, in this order; any others follow alphabetically.
    static let preferredOrder = ["dark", "light", "high-contrast"]

    public init(shippedDirectory: String?,
                userDirectory: String? = AppDirectories().config + "/themes",
                homeDirectory: String = UserDirectories().home) {
        self.shippedDirectory = shippedDirectory
        self.homeDirectory = homeDirectory
        self.userDirectory = userDirectory
    }

    /// The library the application uses: shipped themes found by
    /// `locateShippedDirectory`, user themes from the config directory.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeLibrary {
        ThemeLibrary(shippedDirectory: locateShippedDirectory(environment: environment),
                     userDirectory: AppDirectories(environment: environment).config + "/themes",
                     homeDirectory: UserDirectories(environment: environment).home)
    }

    /// Where the shipped themes are: `$MEDGEMMA_THEMES` if set, else the first
    /// `Themes/` holding `dark.theme` in a directory above the executable (a build
    /// lives in `.build/…/medgemma` inside the repository) or above the current one.
    public static func locateShippedDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = Bundle.main.executablePath,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> String? {
        if let value = environment["MEDGEMMA_THEMES"], !value.isEmpty { return value }
        var starts: [String] = []
        if let executablePath {
            let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
            starts.append(resolved.deletingLastPathComponent().path)
        }
        starts.append(currentDirectory)
        for start in starts {
            var directory = URL(fileURLWithPath: start).standardizedFileURL
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("Themes")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("dark.theme").path) {
                    return candidate.path
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }

    // MARK: Names

    /// Every theme name: dark, light and high-contrast first, then the rest sorted.
    public var names: [String] {
        var found: Set<String> = [Self.defaultName]
        for directory in [shippedDirectory, userDirectory].compactMap({ $0 }) {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.hasSuffix(".theme") {
                let name = String(entry.dropLast(".theme".count))
                if Self.isValidName(name) { found.insert(name) }
            }
        }
        let preferred = Self.preferredOrder.filter(found.contains)
        let others = found.subtracting(preferred).sorted { $0.lowercased() < $1.lowercased() || ($0.lowercased() == $1.lowercased() && $0 < $1) }
        return preferred + others
    }

    /// The theme after `name` for the `t` key, wrapping round; the first theme when
    /// `name` is not in the list.
    public func next(after name: String) -> String {
        let all = names
        guard let index = all.firstIndex(of: name) else { return all[0] }
        return all[(index + 1) % all.count]
    }

    /// Letters, digits, `-`, `_` and `.`, not starting with `.`: a name can never reach
    /// outside the theme directories (`--theme ../../x` is refused).
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
        }
    }

    // MARK: Loading

    /// The file a theme is read from: the user's copy if there is one, else the shipped
    /// one; nil when neither exists.
    public func path(for name: String) -> String? {
        guard Self.isValidName(name) else { return nil }
        for directory in [userDirectory, shippedDirectory].compactMap({ $0 }) {
            let path = directory + "/" + name + ".theme"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// Loads a theme. `dark` without a file is the built-in `Theme.defaultDark`.
    public func load(_ name: String) throws(ThemeError) -> Theme {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        guard let path = path(for: name) else {
            if name == Self.defaultName { return .defaultDark }
            throw .notFound(name: name, available: names)
        }
        return try ThemeParser.parseFile(atPath: path, name: name, displayPath: Self.abbreviated(path, home: homeDirectory))
    }

    /// Loads a theme, or — when that fails — the built-in default with the one-line
    /// reason, for the status bar. Never fails: a broken theme file must not stop the
    /// workstation from starting.
    public func loadOrDefault(_ name: String) -> (theme: Theme, error: ThemeError?) {
        do {
            return (try load(name), nil)
        } catch {
            return (.defaultDark, error)
        }
    }

    /// `~/…` for paths in the home directory, and paths below the current directory
    /// relative to it: shorter in the status bar.
    static func abbreviated(_ path: String, home: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        if current != "/", path.hasPrefix(current + "/") { return String(path.dropFirst(current.count + 1)) }
        if home.count > 1, path.hasPrefix(home + "/") { return "~" + path.dropFirst(home.count) }
        return path
    }
}
