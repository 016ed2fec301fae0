/// The patient of a case: a synthetic id and the demographics the model may see.
///
/// The id identifies the case's patient within a collection and must never reach the
/// model, the case pane or a log. Like `MedImaging.ProtectedIdentifiers`, printing or
/// dumping a `CasePatient` therefore shows only age and sex; the id is reachable only
/// through the explicitly named `id` property.
public struct CasePatient: Codable, Sendable, Equatable, CustomStringConvertible,
                           CustomDebugStringConvertible, CustomReflectable {
    public var id: String
    /// Age in whole years.
    public var age: Int
    public var sex: PatientSex
    /// Strings that identify the patient and must never become training data (a record
    /// number, a name, an accession number): `dataset export` leaves out a study whose
    /// training text contains one, case-insensitively. Optional (`protectedIdentifiers` in
    /// the file), at most `maxProtectedIdentifiers`, each at least
    /// `protectedIdentifierMinimum` characters. Like the id, never printed or dumped.
    public var protectedIdentifiers: [String]

    public static let ageRange = 0...130
    public static let maxProtectedIdentifiers = 32
    /// Shorter strings ("7", "AB") would match ordinary text; the id's redaction uses the same bound.
    public static let protectedIdentifierMinimum = 4

    public init(id: String, age: Int, sex: PatientSex, protectedIdentifiers: [String] = []) {
        self.id = id
        self.age = age
        self.sex = sex
        self.protectedIdentifiers = protectedIdentifiers
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, age, sex, protectedIdentifiers
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        id = try r.string("id", limit: CaseText.shortLimit)
        age = try r.int("age", in: Self.ageRange)
        let code = try r.string("sex", limit: CaseText.shortLimit)
        guard let sex = PatientSex(rawValue: code) else {
            throw r.problem("sex", "must be one of " + PatientSex.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.sex = sex
        protectedIdentifiers = r.has("protectedIdentifiers")
            ? try r.stringList("protectedIdentifiers", count: 0...Self.maxProtectedIdentifiers, limit: CaseText.shortLimit,
                               minimumLength: Self.protectedIdentifierMinimum)
            : []
    }

    /// As synthesised, except that no protected identifiers are written as nothing, so a
    /// case without them reads and writes as before the field existed.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(age, forKey: .age)
        try c.encode(sex, forKey: .sex)
        if !protectedIdentifiers.isEmpty { try c.encode(protectedIdentifiers, forKey: .protectedIdentifiers) }
    }

    /// "57 years, male" — without the id.
    public var description: String { "\(age) \(age == 1 ? "year" : "years"), \(sex.word)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["age": age, "sex": sex], displayStyle: .struct) }
}
