import Support

/// Why a run file cannot be read, resumed or written: the file and, where one line is at
/// fault, its number ("run.jsonl:12: id \"q7\" is recorded twice (first on line 3)").
public struct RunFileError: Error, Sendable, Equatable, CustomStringConvertible {
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
