/// A study's conversation as saved on disk: schema version, which study, when, the system
/// instruction and the entries. JSON, sorted keys, one file per study (`TranscriptStore`).
public struct SavedTranscript: Codable, Sendable, Equatable {
    public static let currentVersion = 1

    public var version: Int
    /// The study folder's absolute path.
    public var studyPath: String
    /// ISO-8601 with zone.
    public var savedAt: String
    public var system: String?
    public var entries: [SavedTranscriptEntry]

    public init(version: Int = SavedTranscript.currentVersion, studyPath: String, savedAt: String, system: String?,
                entries: [SavedTranscriptEntry]) {
        self.version = version
        self.studyPath = studyPath
        self.savedAt = savedAt
        self.system = system
        self.entries = entries
    }
}
