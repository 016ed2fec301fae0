/// Why `AdapterMerge` cannot write a merged model: one line naming the file concerned.
public struct AdapterMergeError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// Whether the write was stopped on request (Ctrl-C), not by a failure.
    public let isInterruption: Bool

    public init(_ description: String, isInterruption: Bool = false) {
        self.description = description
        self.isInterruption = isInterruption
    }

    static func interrupted(_ path: String) -> AdapterMergeError {
        AdapterMergeError("\(path): interrupted; nothing written", isInterruption: true)
    }
}
