import Foundation

/// Where the workstation keeps things, by the XDG base-directory convention:
/// `~/.config/medgemma` (settings), `~/.cache/medgemma` (models, embeddings: can be
/// recomputed), `~/.local/share/medgemma` (transcripts, reports: the user's work).
public struct AppDirectories: Sendable, Equatable {
    public let config: String
    public let cache: String
    public let data: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func base(_ variable: String, _ fallback: String) -> String {
            // The spec: a relative path in an XDG variable is invalid and ignored.
            if let value = environment[variable], value.hasPrefix("/") { return value }
            return (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/" + fallback
        }
        config = base("XDG_CONFIG_HOME", ".config") + "/medgemma"
        cache = base("XDG_CACHE_HOME", ".cache") + "/medgemma"
        data = base("XDG_DATA_HOME", ".local/share") + "/medgemma"
    }

    /// Exported chat transcripts.
    public var transcripts: String { data + "/transcripts" }
}
