import Support

/// Why two runs cannot be compared item by item: one line.
public struct RunComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problem: String

    public init(_ problem: String) { self.problem = problem }

    public var description: String { OneLine.clean(problem) }
}
