/// The same view from an earlier study, for "compare with prior" (MedGemma 1.5's
/// longitudinal chest X-ray task): its file, inside the study folder like the image's own,
/// and the date it was taken, which the prompt states ("Prior study (2024-03-01):") so the
/// model can speak of the interval. Written per image as `"prior": {"file": …, "date": …}`;
/// the case's own `date` is then required and must be later.
public struct CasePrior: Codable, Sendable, Equatable {
    public var file: String
    /// `YYYY-MM-DD` (`CaseDate`).
    public var date: String

    public init(file: String, date: String) {
        self.file = file
        self.date = date
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file, date
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        file = try r.string("file", limit: CaseText.shortLimit)
        if !CaseImage.isInsideStudy(file) { throw r.problem("file", "must be a relative path inside the study") }
        date = try r.date("date")
    }
}
