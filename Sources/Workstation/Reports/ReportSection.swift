/// The five sections of a structured imaging report, in the order radiology reports use
/// (and the order the model is asked for them).
public enum ReportSection: String, CaseIterable, Codable, Sendable {
    case indication
    case technique
    case comparison
    case findings
    case impression

    /// The heading as written in the rendered Markdown ("## Findings").
    public var title: String {
        switch self {
        case .indication: return "Indication"
        case .technique: return "Technique"
        case .comparison: return "Comparison"
        case .findings: return "Findings"
        case .impression: return "Impression"
        }
    }

    /// Lower-case heading words that mean this section. Models (and clinicians editing
    /// the draft) do not always use the exact word: "Conclusion" is an impression,
    /// "Clinical indication" an indication. Matching is on the whole heading, so a
    /// sentence that merely starts with one of these words is not taken for a heading.
    var aliases: [String] {
        switch self {
        case .indication: return ["indication", "indications", "clinical indication", "reason for examination", "reason for exam"]
        case .technique: return ["technique", "techniques", "procedure"]
        case .comparison: return ["comparison", "comparisons"]
        case .findings: return ["findings", "finding"]
        case .impression: return ["impression", "impressions", "conclusion", "conclusions"]
        }
    }

    /// The section a heading text names ("Findings", "findings", "CONCLUSION"), if any.
    static func named(_ heading: String) -> ReportSection? {
        let key = heading.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return allCases.first { $0.aliases.contains(key) }
    }
}
