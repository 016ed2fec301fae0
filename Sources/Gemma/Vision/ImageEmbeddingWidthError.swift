/// Image rows handed to the text model are not a whole number of rows of its width.
public struct ImageEmbeddingWidthError: Error, CustomStringConvertible, Sendable {
    public let values: Int
    public let width: Int
    public var description: String {
        "image embeddings of \(values) values are not whole rows of the text model's width \(width)"
    }
}
