/// The patient's sex as a case records it, with DICOM's codes (Patient's Sex, 0010,0040)
/// so a case and its DICOM header read the same; `U` is "not recorded".
public enum PatientSex: String, Codable, Sendable, CaseIterable {
    case female = "F"
    case male = "M"
    case other = "O"
    case unknown = "U"

    /// The word used in the model's case context and the case pane.
    public var word: String {
        switch self {
        case .female: return "female"
        case .male: return "male"
        case .other: return "other"
        case .unknown: return "sex not recorded"
        }
    }
}
