import Foundation
import Support
import Workstation

/// The backend settings of `~/.config/medgemma/config` (`$XDG_CONFIG_HOME/medgemma/config`;
/// `$MEDGEMMA_CONFIG` names another file). One `key = value` per line; `#` starts a
/// comment line; blank lines are ignored; values may be quoted with "…".
///
///     # which backend answers: local (the in-process engine) or an API base URL
///     backend = http://gpu-box:8000/v1
///     remote-model = google/medgemma-27b-it
///     api-key-file = ~/.config/medgemma/api-key     # mode 0600
///     timeout = 120                                  # seconds without a byte
///     image-size = 896                               # the model's vision input size
///
/// Keys this file does not know are left for other parts of the workstation; a known key
/// with a bad value is an error naming the file and line. The key itself never goes here.
public struct BackendConfig: Sendable, Equatable {
    /// "local", or the API base URL of an OpenAI-compatible server.
    public var backend: String?
    public var remoteModel: String?
    public var apiKeyFile: String?
    public var timeout: Double?
    public var imageSize: Int?

    public init(backend: String? = nil, remoteModel: String? = nil, apiKeyFile: String? = nil,
                timeout: Double? = nil, imageSize: Int? = nil) {
        self.backend = backend
        self.remoteModel = remoteModel
        self.apiKeyFile = apiKeyFile
        self.timeout = timeout
        self.imageSize = imageSize
    }

    /// Where the config file is looked for.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["MEDGEMMA_CONFIG"], !path.isEmpty { return path }
        return AppDirectories(environment: environment).config + "/config"
    }

    /// The file's settings; none when it does not exist.
    public static func load(path: String) throws(BackendConfigError) -> BackendConfig {
        guard FileManager.default.fileExists(atPath: path) else { return BackendConfig() }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(BackendConfigError) -> BackendConfig {
        var config = BackendConfig()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw .badLine(path: path, line: index + 1, reason: "expected 'key = value'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = unquote(stripComment(String(line[line.index(after: eq)...])))
            func bad(_ reason: String) -> BackendConfigError { .badLine(path: path, line: index + 1, reason: reason) }
            switch key {
            case "backend":
                guard !value.isEmpty else { throw bad("backend needs a value: local or a URL") }
                config.backend = value
            case "remote-model":
                guard !value.isEmpty else { throw bad("remote-model needs a model name") }
                config.remoteModel = value
            case "api-key-file":
                guard !value.isEmpty else { throw bad("api-key-file needs a path") }
                config.apiKeyFile = expandTilde(value)
            case "api-key":
                throw bad("the API key does not belong in the config; put it in a file with mode 0600 and name that file with api-key-file, or set MEDGEMMA_API_KEY")
            case "timeout":
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else { throw bad("timeout must be a number of seconds > 0, got '\(value)'") }
                config.timeout = seconds
            case "image-size":
                guard let size = Int(value), (14...4096).contains(size) else { throw bad("image-size must be an integer in 14...4096, got '\(value)'") }
                config.imageSize = size
            default:
                continue
            }
        }
        return config
    }

    /// A `#` after whitespace starts a comment (a URL fragment has none before it).
    static func stripComment(_ value: String) -> String {
        var previous: Character = " "
        var inQuotes = false
        for i in value.indices {
            let c = value[i]
            if c == "\"" { inQuotes.toggle() }
            if c == "#" && !inQuotes && previous.isWhitespace { return String(value[..<i]).trimmingCharacters(in: .whitespaces) }
            previous = c
        }
        return value.trimmingCharacters(in: .whitespaces)
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { return String(value.dropFirst().dropLast()) }
        return value
    }

    static func expandTilde(_ path: String) -> String {
        UserDirectories().expandingTilde(path)
    }
}
