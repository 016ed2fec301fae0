/// What the autosave keeps of a report being edited: enough to put the editor back as it
/// was after a crash or `kill -9` — the text, the stamp of the generation it came from,
/// and which study it belongs to.
public struct RecoveredDraft: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    /// The study folder's absolute path (checked on restore: the key is only a hash of it).
    public var studyPath: String
    public var text: String
    /// Nil when the draft was typed without a generation (nothing to stamp yet).
    public var stamp: ReportStamp?
    /// When the autosave was written, ISO-8601 with zone.
    public var savedAt: String

    public init(version: Int = RecoveredDraft.currentVersion, studyPath: String, text: String, stamp: ReportStamp?, savedAt: String) {
        self.version = version
        self.studyPath = studyPath
        self.text = text
        self.stamp = stamp
        self.savedAt = savedAt
    }
}
