/// Why a cache file was not used. A damaged entry is never fatal: the cache deletes it and
/// the caller encodes the picture again; the message says what was wrong, for the log.
public enum EmbeddingCacheError: Error, Equatable, CustomStringConvertible {
    /// The file is not a valid entry (bad magic or version, sizes that do not add up,
    /// checksum mismatch, or it belongs to another key).
    case corrupt(path: String, reason: String)
    /// The file could not be read or written (permissions, disk full).
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason): return "\(path): damaged embedding cache entry: \(reason)"
        case .io(let path, let reason): return "\(path): embedding cache: \(reason)"
        }
    }
}
