import Foundation

/// What the model and the case pane are told about a case.
///
/// Opening a study starts a new conversation whose system instruction is
/// `systemInstruction`: age and sex, history, indication, the images' modality, view and
/// description, prior report, comparison and the question. The patient id is never part
/// of it (nor of `summaryLines`): identifiers add nothing clinically and must not leave the
/// case file. As a second line of defence, an id of four or more characters that an
/// author pasted into a free-text field is replaced by "[patient id removed]" — shorter ids
/// ("7") would match ordinary text.
public struct CaseContext: Sendable, Equatable {
    public let systemInstruction: String
    /// The case pane's lines, in order; long lines are for the pane to wrap.
    public let summaryLines: [String]

    public static let redaction = "[patient id removed]"

    public init(_ caseFile: CaseFile) {
        let clean = { (text: String) in Self.redact(text, id: caseFile.patient.id) }
        let patient = caseFile.patient.description

        var s = """
        You are assisting a clinician-researcher who is reviewing the case below. Answer as a careful \
        specialist: describe what the images show, keep to the question, and say plainly when the \
        images or the information given do not allow a conclusion. Your answer is a research draft, \
        not for clinical use, and will be reviewed by a qualified clinician.
        """
        s += "\n\n"
        if caseFile.synthetic {
            s += "This case text is synthetic, written for demonstration; it is not a real patient's history.\n\n"
        }
        s += "Patient: \(patient).\n"
        s += "Clinical history: \(clean(caseFile.history))\n"
        s += "Indication: \(clean(caseFile.indication))\n"
        s += "Images:\n"
        for (n, image) in caseFile.images.enumerated() {
            s += "\(n + 1). \(Self.imageLine(image, clean))\n"
        }
        if let prior = caseFile.priorReport { s += "Prior report: \(clean(prior))\n" }
        if let comparison = caseFile.comparison { s += "Comparison: \(clean(comparison.description))\n" }
        s += "Question: \(clean(caseFile.question))"
        systemInstruction = s

        var lines = [clean(caseFile.title), "Patient: \(patient)"]
        if caseFile.synthetic, let note = caseFile.note { lines.append("Synthetic case: \(clean(note))") }
        lines.append("History: \(clean(caseFile.history))")
        lines.append("Indication: \(clean(caseFile.indication))")
        for (n, image) in caseFile.images.enumerated() {
            lines.append("Image \(n + 1): \(Self.imageLine(image, clean))")
        }
        if let prior = caseFile.priorReport { lines.append("Prior report: \(clean(prior))") }
        if let comparison = caseFile.comparison { lines.append("Comparison: \(clean(comparison.description))") }
        lines.append("Question: \(clean(caseFile.question))")
        summaryLines = lines
    }

    private static func imageLine(_ image: CaseImage, _ clean: (String) -> String) -> String {
        "\(clean(image.modalityName)), \(clean(image.view)): \(clean(image.description))"
    }

    /// `text` with every case-insensitive occurrence of `id` replaced, when `id` is long
    /// enough not to match ordinary words.
    static func redact(_ text: String, id: String) -> String {
        let id = id.trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.count >= 4 else { return text }
        return text.replacingOccurrences(of: id, with: redaction, options: [.caseInsensitive])
    }
}
