/// Why a key file was refused. The messages name the file, never its contents.
public enum APIKeyError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notAFile(path: String)
    /// Readable or writable by the group or others.
    case tooOpen(path: String, mode: Int)
    case empty(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "API key file \(path): \(reason)"
        case .notAFile(let path):
            return "API key file \(path) is not a regular file"
        case .tooOpen(let path, let mode):
            return "API key file \(path) is open to its group or others (mode \(String(mode, radix: 8))): refused; "
                + "make it private with 'chmod 600 \(path)'"
        case .empty(let path):
            return "API key file \(path) is empty"
        }
    }
}
