import Gemma

/// What one cache file holds: the encoder's rows for a picture and each of its pan-and-scan
/// crops, all `tokenCount × width` floats. Keys for the KV cache are not stored: the
/// provider names embeddings after the cache key, so a loaded entry and a fresh encode of
/// the same picture are the same image to a conversation.
public struct EmbeddingCacheEntry: Sendable, Equatable {
    public let tokenCount: Int
    public let width: Int
    /// The whole picture first, then the crops; each `tokenCount × width` floats.
    public let images: [[Float]]

    public init(tokenCount: Int, width: Int, images: [[Float]]) {
        precondition(tokenCount > 0 && width > 0 && !images.isEmpty, "an entry holds at least one image")
        precondition(images.allSatisfy { $0.count == tokenCount * width }, "every image is tokenCount × width floats")
        self.tokenCount = tokenCount
        self.width = width
        self.images = images
    }

    /// The rows of an embedding (the picture and its crops).
    public init(_ embedding: ImageEmbedding) {
        let width = embedding.rows.count / embedding.tokenCount
        self.init(tokenCount: embedding.tokenCount, width: width, images: [embedding.rows] + embedding.crops.map(\.rows))
    }

    /// The embedding the language model reads, named `"<name>#<i>"` per picture and crop.
    public func embedding(named name: String) -> ImageEmbedding {
        let parts = images.enumerated().map { ImageEmbedding(key: "\(name)#\($0.offset)", rows: $0.element, tokenCount: tokenCount) }
        return ImageEmbedding(key: parts[0].key, rows: parts[0].rows, tokenCount: tokenCount, crops: Array(parts.dropFirst()))
    }
}
