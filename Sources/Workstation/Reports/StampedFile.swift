/// A file a report depends on (the model, the mmproj), by name and content hash, so a
/// reader can tell exactly which weights wrote the draft even after files are renamed.
public struct StampedFile: Codable, Sendable, Equatable {
    /// The file name without its folder (folders differ between machines; the hash does not).
    public var name: String
    /// Hex sha256 of the file; nil when the backend does not expose the file (a remote server).
    public var sha256: String?

    public init(name: String, sha256: String?) {
        self.name = name
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey { case name, sha256 }

    /// A missing hash is written as `null`, so "not known" is visible rather than absent.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(sha256, forKey: .sha256)
    }
}
