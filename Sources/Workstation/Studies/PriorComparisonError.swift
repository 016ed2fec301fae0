/// Why a comparison's pictures could not be made, in one line naming the file.
public struct PriorComparisonError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
