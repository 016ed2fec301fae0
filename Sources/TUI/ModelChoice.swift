/// A model the `:model` picker offers: its name as `medgemma models` lists it, the file to
/// load, and one line of what it is and what it needs ("gemma3 · 4.3 B · Q4_K_M · vision ·
/// 3.4 GB · fits"). Made by the command line (which reads headers and plans memory), so the
/// TUI knows nothing of GGUF files.
public struct ModelChoice: Sendable, Equatable {
    public let name: String
    public let path: String
    public let detail: String
    /// For a known model not downloaded yet: the short name `medgemma pull` takes; choosing
    /// it pulls it first (`path` is then empty).
    public let pullName: String?

    public init(name: String, path: String, detail: String, pullName: String? = nil) {
        self.name = name
        self.path = path
        self.detail = detail
        self.pullName = pullName
    }
}
