/// The prompts that ask the model for a structured draft report.
///
/// The system instruction is the case context the chat uses (`CaseContext`), so the
/// report and the conversation see the same case. The user prompt repeats what the report
/// must answer — indication, question, comparison and prior report — and names the
/// attached image, then fixes the five headings so `ReportSections` can find them. It is
/// short (a 270M model follows a short instruction best) and deterministic: the same
/// case and image always give the same prompt, which the report's stamp records.
public enum ReportPrompt {
    public static func system(for caseFile: CaseFile) -> String {
        CaseContext(caseFile).systemInstruction
    }

    /// - Parameters:
    ///   - imageNumber: the case image the report is about, 1-based.
    ///   - imageAttached: whether its picture goes with the prompt (false for a text-only model).
    public static func user(for caseFile: CaseFile, imageNumber: Int, imageAttached: Bool) -> String {
        let clean = { (text: String) in CaseContext.redact(text, id: caseFile.patient.id) }
        let headings = ReportSection.allCases.map { "## \($0.title)" }.joined(separator: ", ")
        var s = "Write a draft imaging report for this case with exactly five sections, each under its own "
            + "Markdown heading, in this order: \(headings).\n"
        s += "Indication: \(clean(caseFile.indication))\n"
        s += "Question: \(clean(caseFile.question))\n"
        if let comparison = caseFile.comparison { s += "Comparison: \(clean(comparison.description))\n" }
        if let prior = caseFile.priorReport { s += "Prior report: \(clean(prior))\n" }
        if caseFile.comparison == nil && caseFile.priorReport == nil { s += "Comparison: none available.\n" }
        let count = caseFile.images.count
        if caseFile.images.indices.contains(imageNumber - 1) {
            let image = caseFile.images[imageNumber - 1]
            let which = count > 1 ? "Image \(imageNumber) of \(count)" : "Image"
            let what = "\(clean(image.modalityName)), \(clean(image.view)): \(clean(image.description))"
            s += imageAttached
                ? "\(which), attached: \(what)\n"
                : "\(which), not attached (write from the case text only and say in Findings that the image was not reviewed): \(what)\n"
        }
        s += "Describe only what is shown or stated; do not invent measurements or prior studies. "
            + "The Impression answers the question in one to three short points."
        return s
    }
}
