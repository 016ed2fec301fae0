/// A conversation read back from disk, ready for `ChatSession.restore`.
///
/// The text, roles, timings and completeness come back; the images do not (their pixels
/// were never saved), so every entry's `images` is empty and `imageReferences[i]` says
/// which pictures entry `i` showed, for the caller to re-make from the study's files
/// (matching `key`) and re-attach.
public struct RestoredTranscript: Sendable, Equatable {
    public var entries: [TranscriptEntry]
    /// Parallel to `entries`.
    public var imageReferences: [[SavedImageReference]]
    public var system: String?
    public var savedAt: String

    public init(entries: [TranscriptEntry], imageReferences: [[SavedImageReference]], system: String?, savedAt: String) {
        self.entries = entries
        self.imageReferences = imageReferences
        self.system = system
        self.savedAt = savedAt
    }
}
