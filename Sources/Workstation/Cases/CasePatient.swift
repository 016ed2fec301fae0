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

    public static let ageRange = 0...130

    public init(id: String, age: Int, sex: PatientSex) {
        self.id = id
        self.age = age
        self.sex = sex
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, age, sex
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
    }

    /// "57 years, male" — without the id.
    public var description: String { "\(age) \(age == 1 ? "year" : "years"), \(sex.word)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["age": age, "sex": sex], displayStyle: .struct) }
}
