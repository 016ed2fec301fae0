import Foundation
import Support

/// Where the workstation keeps things, by the XDG base-directory convention:
/// `~/.config/medgemma` (settings), `~/.cache/medgemma` (models, embeddings: can be
/// recomputed), `~/.local/share/medgemma` (transcripts, reports: the user's work), each
/// under the XDG base directory `UserDirectories` resolves (`$HOME`, `$XDG_*_HOME`).
public struct AppDirectories: Sendable, Equatable {
    public let config: String
    public let cache: String
    public let data: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let user = UserDirectories(environment: environment)
        config = user.configHome + "/medgemma"
        cache = user.cacheHome + "/medgemma"
        data = user.dataHome + "/medgemma"
    }

    /// Exported chat transcripts.
    public var transcripts: String { data + "/transcripts" }
}
