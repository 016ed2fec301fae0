/// The sign-off block of a report. The workstation always writes it empty: a draft is
/// signed by a clinician in their own system, never by this tool, and the empty fields
/// make that step visible in every saved file.
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
