/// A config file the workstation cannot use, named with its line.
public enum BackendConfigError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case badLine(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot be read"
        case .badLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
        }
    }
}
