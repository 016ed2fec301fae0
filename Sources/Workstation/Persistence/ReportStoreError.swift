/// A report that could not be saved anywhere: one line naming each folder tried and why.
/// The draft itself is untouched (the store never changes it), so the user can fix the
/// folder or choose another and save again.
public struct ReportStoreError: Error, CustomStringConvertible, Equatable {
    /// The study's folder name.
    public let study: String
    /// Each folder tried, with why it failed, in order.
    public let attempts: [Attempt]

    public struct Attempt: Sendable, Equatable {
        public let directory: String
        public let reason: String
    }

    public var description: String {
        if attempts.isEmpty { return "cannot save the report for \(study): \(Self.noCase) (the draft is kept)" }
        let tried = attempts.map { "\($0.directory): \($0.reason)" }.joined(separator: "; ")
        return "cannot save the report for \(study): \(tried) (the draft is kept)"
    }

    static let noCase = "the study's case.json could not be read"
}
