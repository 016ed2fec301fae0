/// Why `WholeFile` could not read a file: one line, "<file>: <problem>", fit to print as
/// it is after the command's name.
public struct WholeFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path, or a name such as "standard input".
    public let file: String
    public let problem: Problem

    public enum Problem: Equatable, Sendable {
        /// `open` failed; `reason` is the system's ("No such file or directory").
        case cannotOpen(reason: String)
        /// `read` failed (a directory, an I/O error); `reason` is the system's.
        case cannotRead(reason: String)
        /// More than `limit` bytes: refused rather than read on.
        case tooLarge(limit: Int)
    }

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        OneLine.clean("\(file): \(problemText)")
    }

    /// The problem without the file's name, for a message that names the file its own way.
    public var problemText: String {
        switch problem {
        case .cannotOpen(let reason): return "cannot open: \(reason)"
        case .cannotRead(let reason): return "cannot read: \(reason)"
        case .tooLarge(let limit):
            return "larger than " + (limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MB" : "\(limit) bytes")
        }
    }
}
