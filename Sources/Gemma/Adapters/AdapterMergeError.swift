/// Why `AdapterMerge` cannot write a merged model: one line naming the file concerned.
public struct AdapterMergeError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
