/// Who a transcript entry is from.
public enum TranscriptRole: Equatable, Sendable {
    case user
    case model
    /// A note from the workstation itself (model switched, image loaded, errors).
    case note
}
