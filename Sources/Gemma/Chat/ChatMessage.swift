/// One turn of a conversation: text, and for user turns any images it shows the model
/// (rendered after the text, as in the MedGemma model card's examples).
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String
    /// Not encoded: embeddings are large and recomputable; a saved chat keeps its text.
    public var images: [ImageEmbedding] = []

    public init(_ role: Role, _ content: String, images: [ImageEmbedding] = []) {
        self.role = role
        self.content = content
        self.images = images
    }

    private enum CodingKeys: String, CodingKey { case role, content }

    /// Images compare by key: the same picture prepared the same way.
    public static func == (a: ChatMessage, b: ChatMessage) -> Bool {
        a.role == b.role && a.content == b.content && a.images.map(\.keys) == b.images.map(\.keys)
    }
}
