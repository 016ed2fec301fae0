/// One transcript entry as saved on disk (`TranscriptEntry` without the pixels).
public struct SavedTranscriptEntry: Codable, Sendable, Equatable {
    /// "user", "model" or "note" (`TranscriptEntry.Role`).
    public var role: String
    public var text: String
    /// The reply's timing line, when it finished.
    public var timing: String?
    public var isComplete: Bool
    public var images: [SavedImageReference]

    public init(role: String, text: String, timing: String?, isComplete: Bool, images: [SavedImageReference]) {
        self.role = role
        self.text = text
        self.timing = timing
        self.isComplete = isComplete
        self.images = images
    }

    public init(_ entry: TranscriptEntry) {
        self.init(role: entry.role.rawValue, text: entry.text, timing: entry.timing, isComplete: entry.isComplete,
                  images: entry.images.map(SavedImageReference.init))
    }
}
