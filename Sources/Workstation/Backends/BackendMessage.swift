import Gemma

/// One turn of the history a backend answers: the role, the text and, for user turns, the
/// images it shows. The backend-neutral form of `Gemma.ChatMessage` (whose images are
/// already embeddings, which only the in-process engine can use).
public struct BackendMessage: Sendable, Equatable {
    public var role: ChatMessage.Role
    public var text: String
    public var images: [ImageAttachment]

    public init(_ role: ChatMessage.Role, _ text: String, images: [ImageAttachment] = []) {
        self.role = role
        self.text = text
        self.images = images
    }

    /// Whether the turn's images are labelled (several pictures in one question). Labelled
    /// images stand before the text, each after its label, then the question — the order
    /// of Google's multi-image and longitudinal notebooks; an unlabelled picture follows
    /// the text, as in the MedGemma model card (and as `ask --image` always sent it).
    public var hasLabelledImages: Bool { images.contains { $0.label != nil } }
}
