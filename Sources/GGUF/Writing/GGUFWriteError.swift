import Support

/// Why a GGUF file could not be written: one line naming the file (the final path, not its
/// `.partial` stand-in) and the problem.
public struct GGUFWriteError: Error, Equatable, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(OneLine.clean(file, controls: .escaped)): cannot write GGUF: \(OneLine.clean(reason, controls: .escaped))" }
}
