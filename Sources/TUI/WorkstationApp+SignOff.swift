import Foundation
import Workstation

/// `:signoff NAME ROLE [final|amended]`: the reviewer signs the report as it stands. The
/// fields (`SignOff`) are stamped with the time and saved at once, like Ctrl-S, into the
/// Markdown review block and the FHIR status; the heading shows the sign-off until the
/// text changes, which withdraws it (`ReportPane.noteEdit`). Only signed-off reports
/// become training data (`medgemma dataset export`).
extension WorkstationApp {
    func signOffReport(_ arguments: String) {
        guard casePane.study != nil else {
            status.message = "open a study first (o): a sign-off is of a study's report"
            return
        }
        guard !report.isGenerating else {
            status.message = "the draft is still being written (Esc cancels it)"
            return
        }
        guard !report.buffer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            status.message = "no report to sign: r opens it, Ctrl-G drafts one"
            return
        }
        // The model's draft, when this editor still has it, tells final from amended.
        let draft = report.session.flatMap { ReportRequest.draftText(in: $0.snapshot()) }
        do {
            report.reviewer = try SignOff.fields(arguments, draft: draft, text: report.buffer.text, date: Date(), timeZone: .current)
        } catch {
            status.message = error.description
            return
        }
        saveReport()
        invalidate(.frame)
    }
}
