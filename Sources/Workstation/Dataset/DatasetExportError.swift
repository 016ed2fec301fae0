/// Why `dataset export` wrote nothing: one line naming the file.
public enum DatasetExportError: Error, Equatable, CustomStringConvertible {
    /// The output exists and `--force` was not given.
    case exists(String)
    /// `AtomicFile`'s message, which names the file.
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .exists(let path): return "\(path): already exists (--force replaces it)"
        case .cannotWrite(let message): return message
        }
    }
}
