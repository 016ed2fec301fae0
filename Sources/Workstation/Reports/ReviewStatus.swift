/// What the reviewing clinician did with the draft: changed it, or accepted it as written.
public enum ReviewStatus: String, Codable, Sendable {
    case edited
    case accepted
}
