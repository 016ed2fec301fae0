/// What the reviewing clinician did with the draft when signing it off.
///
/// `final` (signed as the model wrote it) and `amended` (signed after changing the text)
/// are the sign-off statuses the report editor writes (`:signoff`), named as FHIR names a
/// `DiagnosticReport`'s status, so the FHIR file carries them unchanged. `edited` and
/// `accepted` are the names of an earlier draft of the review block: the workstation never
/// wrote them, but a hand-filled file may hold them, so they still decode (a file is never
/// unreadable for them). They are not a sign-off: `dataset export` leaves such a report
/// out until it is signed again with `:signoff`.
public enum ReviewStatus: String, Codable, Sendable, CaseIterable {
    case final
    case amended
    /// Earlier name, read only.
    case edited
    /// Earlier name, read only.
    case accepted

    /// The statuses a sign-off may have.
    public static let signOff: [ReviewStatus] = [.final, .amended]

    /// Whether this status marks a report signed off.
    public var isSignOff: Bool { Self.signOff.contains(self) }
}
