/// One file of a repository as the hub lists it: its path, size and, for files stored with
/// LFS (every GGUF), the sha256 the download is checked against.
public struct HubFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var sha256: String?

    public init(path: String, size: Int64, sha256: String?) {
        self.path = path
        self.size = size
        self.sha256 = sha256
    }

    /// The name without folders.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }
    public var isGGUF: Bool { path.lowercased().hasSuffix(".gguf") }
    public var isVisionPart: Bool { name.lowercased().hasPrefix("mmproj") || name.lowercased().contains("-mmproj") }
}
