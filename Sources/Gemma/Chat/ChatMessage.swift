/// One turn of a conversation: text, and for user turns any images it shows the model
/// (rendered after the text, as in the MedGemma model card's examples, or before it).
public struct ChatMessage: Sendable, Equatable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    /// Where a turn's images stand in its content: after the text (the MedGemma model card's
    /// messages: text item, then image item) or before it (as some of Google's notebooks
    /// write them). The template renders the content items in that order (ENGINE.md C5).
    public enum ImagePlacement: String, Sendable, Codable { case afterText, beforeText }
    public var role: Role
    public var content: String
    /// Not encoded: embeddings are large and recomputable; a saved chat keeps its text.
    public var images: [ImageEmbedding] = []
    public var imagePlacement: ImagePlacement = .afterText
    /// The text item before each image (C5), e.g. "Prior study (2024-03-01):": a turn that
    /// shows several pictures says which is which, as Google's multi-image notebooks do.
    /// Empty: the images stand side by side (one entry per image otherwise; missing ones
    /// count as empty).
    public var imageLabels: [String] = []

    public init(_ role: Role, _ content: String, images: [ImageEmbedding] = [], imagePlacement: ImagePlacement = .afterText,
                imageLabels: [String] = []) {
        self.role = role
        self.content = content
        self.images = images
        self.imagePlacement = imagePlacement
        self.imageLabels = imageLabels
    }

    private enum CodingKeys: String, CodingKey { case role, content }

    /// Images compare by key: the same picture prepared the same way, in the same place.
    public static func == (a: ChatMessage, b: ChatMessage) -> Bool {
        a.role == b.role && a.content == b.content && a.images.map(\.keys) == b.images.map(\.keys)
            && (a.images.isEmpty || (a.imagePlacement == b.imagePlacement && a.imageLabels == b.imageLabels))
    }
}
