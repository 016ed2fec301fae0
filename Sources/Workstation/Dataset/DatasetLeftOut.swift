/// A study `dataset export` did not turn into an example, and why.
public struct DatasetLeftOut: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// No saved report, or the newest one has no sign-off (`ReviewerFields.isSignedOff`).
        case notSignedOff
        /// Its training text contains one of the case's protected identifiers (or the
        /// patient id). Which one is not said: the summary must not print it either.
        case protectedIdentifier
        /// The case, a report file or an image could not be used (the line says which).
        case unusable(String)
    }

    /// The study folder as found.
    public let study: String
    public let reason: Reason
}
