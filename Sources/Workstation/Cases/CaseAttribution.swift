/// Where one image of a case comes from and under which license, kept in the case itself
/// so that a study copied out of `samples/` still carries its required attribution.
public struct CaseAttribution: Codable, Sendable, Equatable {
    /// One of the case's `images[].file` (or `images[].prior.file`).
    public var image: String
    public var source: String
    public var license: String
    public var citation: String

    public init(image: String, source: String, license: String, citation: String) {
        self.image = image
        self.source = source
        self.license = license
        self.citation = citation
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case image, source, license, citation
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        image = try r.string("image", limit: CaseText.shortLimit)
        source = try r.string("source", limit: CaseText.longLimit, multiline: true)
        license = try r.string("license", limit: CaseText.longLimit, multiline: true)
        citation = try r.string("citation", limit: CaseText.longLimit, multiline: true)
    }
}
