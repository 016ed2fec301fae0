/// A conversation that could not be saved or restored: one line naming the file. A file
/// that cannot be restored is ignored (the study opens with a new conversation).
public struct TranscriptStoreError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public var description: String { "\(path): \(problem)" }
}
