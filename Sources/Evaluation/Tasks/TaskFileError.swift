import Support

/// Why a task file cannot be evaluated: the file and, where it is one item's fault, the
/// line, so the user can fix it ("mcq.jsonl:12: answer 'E' is not one of the 4 options").
public struct TaskFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let problem: String

    public init(file: String, line: Int? = nil, _ problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        OneLine.clean(file + (line.map { ":\($0)" } ?? "") + ": " + problem)
    }
}
