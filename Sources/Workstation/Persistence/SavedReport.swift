/// Where a report was saved.
public struct SavedReport: Sendable, Equatable {
    public var markdownPath: String
    public var fhirPath: String
    /// The folder both files are in.
    public var directory: String
    /// True when the study folder could not be written and the user's data folder was used.
    public var usedFallback: Bool

    public init(markdownPath: String, fhirPath: String, directory: String, usedFallback: Bool) {
        self.markdownPath = markdownPath
        self.fhirPath = fhirPath
        self.directory = directory
        self.usedFallback = usedFallback
    }
}
