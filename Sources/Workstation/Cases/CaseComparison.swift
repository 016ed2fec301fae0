/// The earlier study a case is to be compared with: a description the model can use, and
/// optionally the id of another study in the library.
public struct CaseComparison: Codable, Sendable, Equatable {
    public var id: String?
    public var description: String

    public init(id: String? = nil, description: String) {
        self.id = id
        self.description = description
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, description
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        id = try r.optionalString("id", limit: CaseText.shortLimit)
        description = try r.string("description", limit: CaseText.longLimit, multiline: true)
    }
}
