/// The sign-off block of a report. A draft is saved with it empty, so every file shows the
/// step still to do; the report editor's `:signoff NAME ROLE [final|amended]` fills it
/// (`SignOff`) with the reviewer, the time and the status, and saves the report again. Only
/// a report whose newest saved file is signed off (`isSignedOff`) becomes training data
/// (`medgemma dataset export`).
public struct ReviewerFields: Codable, Sendable, Equatable {
    public var name: String?
    public var role: String?
    /// ISO-8601 time of sign-off.
    public var signedOffAt: String?
    public var status: ReviewStatus?

    public init(name: String? = nil, role: String? = nil, signedOffAt: String? = nil, status: ReviewStatus? = nil) {
        self.name = name
        self.role = role
        self.signedOffAt = signedOffAt
        self.status = status
    }

    /// A reviewer name and a sign-off status (`final` or `amended`): what `dataset export`
    /// takes as signed off. The earlier `edited`/`accepted` are not.
    public var isSignedOff: Bool { signOffStatus != nil }

    /// The status when the fields are a sign-off, else nil.
    public var signOffStatus: ReviewStatus? {
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty, let status, status.isSignOff else { return nil }
        return status
    }

    enum CodingKeys: String, CodingKey { case name, role, signedOffAt, status }

    /// Empty fields are written as `null` (not left out), so a reader sees the form to fill.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        try c.encode(signedOffAt, forKey: .signedOffAt)
        try c.encode(status, forKey: .status)
    }
}
