/// One item of a chat transcript as the user sees it.
public struct TranscriptEntry: Sendable, Equatable {
    public enum Role: String, Sendable {
        case user
        case model
        /// A line from the workstation itself (errors, "context full", "cancelled").
        case note
    }

    public var role: Role
    public var text: String
    /// The reply's timing line, once it has finished.
    public var timing: String?
    /// False while tokens are still arriving, and for a reply cut short (cancelled,
    /// failed, context full), which the transcript marks as incomplete.
    public var isComplete: Bool
    /// Images the user showed with this message (what the model saw).
    public var images: [ImageAttachment]

    public init(role: Role, text: String, timing: String? = nil, isComplete: Bool = true, images: [ImageAttachment] = []) {
        self.role = role
        self.text = text
        self.timing = timing
        self.isComplete = isComplete
        self.images = images
    }
}
