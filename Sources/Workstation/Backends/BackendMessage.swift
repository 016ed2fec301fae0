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
}
