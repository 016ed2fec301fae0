import Support

/// A problem with one of an evaluation's files — a task file or a run file: the file and,
/// where one line is at fault, its number, as one line the user can act on
/// ("mcq.jsonl:12: answer 'E' is not one of the 4 options").
public struct EvalFileError: Error, Sendable, Equatable, CustomStringConvertible {
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

/// Why a task file cannot be evaluated.
public typealias TaskFileError = EvalFileError

/// Why a run file cannot be read, resumed or written.
public typealias RunFileError = EvalFileError
