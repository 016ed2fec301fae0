import Support

/// Why a library folder could not be scanned at all (a broken study inside a readable
/// folder is not an error of the library; it is listed with its own error).
public struct StudyLibraryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(OneLine.clean(path)): \(problem)" }
}
