import Foundation
import Support

/// Renders a draft report as the Markdown file saved beside its FHIR twin.
///
/// Layout: a title, the research-draft line, the study line, the report text between two
/// HTML comments (invisible when rendered; `reportText(in:)` finds the text again, so a
/// saved file can be compared with a recovered draft), then the provenance (every field
/// of the stamp, prompts in code fences) and the review block (empty until `:signoff`).
/// The research-draft line opens and closes the file, so no excerpt of the start or end
/// loses it.
public enum MarkdownReportWriter {
    static let beginMarker = "<!-- medgemma:report-begin -->"
    static let endMarker = "<!-- medgemma:report-end -->"

    /// - Parameter savedAt: when the file is written, ISO-8601 with zone.
    public static func render(_ draft: DraftReport, subject: ReportSubject, savedAt: String) -> String {
        let stamp = draft.stamp
        var out = "# Draft report: \(subject.title)\n\n"
        out += "> \(stamp.disclaimer)\n\n"
        out += "Study: \(subject.folderName) (case \(subject.caseID)) · patient \(subject.patientID)"
            + (subject.synthetic ? " (synthetic)" : "") + " · generated \(stamp.createdAt) · saved \(savedAt)\n\n"
        out += beginMarker + "\n\n"
        out += draft.text.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n"
        out += endMarker + "\n\n"
        out += "---\n\n## Provenance\n\n"
        out += "- Engine: medgemma \(stamp.engineVersion) · \(stamp.backend)\n"
        out += "- Model: \(describe(stamp.model))\n"
        out += "- Vision part (mmproj): \(stamp.mmproj.map(describe) ?? "none")\n"
        for adapter in stamp.adapters {
            out += "- LoRA adapter: \(adapter.name), sha256 \(adapter.sha256), scale \(Format.number(adapter.scale))\n"
        }
        let s = stamp.settings
        out += "- Settings: temperature \(Format.number(s.temperature)), top-k \(s.topK), top-p \(Format.number(s.topP)), "
            + "min-p \(Format.number(s.minP)), repetition penalty \(Format.number(s.repetitionPenalty)), "
            + "presence penalty \(Format.number(s.presencePenalty)), frequency penalty \(Format.number(s.frequencyPenalty)), "
            + "seed \(s.seed), max tokens \(s.maxTokens)\n"
        if stamp.images.isEmpty { out += "- Images: none\n" }
        for (n, image) in stamp.images.enumerated() {
            var line = "- Image \(n + 1): \(image.file), sha256 \(image.sha256)"
            if let uid = image.studyInstanceUID { line += ", Study Instance UID \(uid)" }
            if let uid = image.seriesInstanceUID { line += ", Series Instance UID \(uid)" }
            if let uid = image.sopInstanceUID { line += ", SOP Instance UID \(uid)" }
            line += image.sentToModel ? "; sent to the model: \(image.preparation)" : "; not sent to the model: \(image.preparation)"
            out += line + "\n"
        }
        out += "- Generated: \(stamp.createdAt)\n\n"
        out += "### System prompt\n\n" + fenced(stamp.systemPrompt) + "\n"
        out += "### User prompt\n\n" + fenced(stamp.userPrompt) + "\n"
        out += "## Review\n\n"
        let r = stamp.reviewer
        // Empty fields end at the colon (no trailing space for editors to strip).
        func field(_ label: String, _ value: String?) -> String { "- \(label):" + (value.map { " " + $0 } ?? "") + "\n" }
        out += field("Reviewer name", r.name) + field("Reviewer role", r.role) + field("Signed off at", r.signedOffAt)
        out += field("Status (final / amended)", r.status?.rawValue) + "\n"
        out += "> \(stamp.disclaimer)\n"
        return out
    }

    /// The report text of a file this writer made (what the editor held), nil for any
    /// other text.
    public static func reportText(in markdown: String) -> String? {
        guard let begin = markdown.range(of: beginMarker + "\n\n"),
              let end = markdown.range(of: "\n\n" + endMarker, range: begin.upperBound..<markdown.endIndex) else { return nil }
        return String(markdown[begin.upperBound..<end.lowerBound])
    }

    private static func describe(_ file: StampedFile) -> String {
        "\(file.name), sha256 \(file.sha256 ?? "unknown")"
    }

    /// `text` in a code fence longer than any run of backticks inside it, so a prompt
    /// cannot close the fence early.
    static func fenced(_ text: String) -> String {
        var longest = 0, run = 0
        for c in text {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)text\n\(text)\n\(fence)\n"
    }
}
