import Foundation
import MedImaging
import Workstation

/// The draft report: `r` shows it in place of the chat, Ctrl-G asks the model for a draft
/// (streamed into the editor), Ctrl-Z undoes an edit. Saving, autosave and recovery are
/// in `WorkstationApp+ReportFiles`.
extension WorkstationApp {
    /// `r` / Esc in the report: show or hide it (Esc while drafting cancels the draft).
    func toggleReport() {
        if report.isOpen {
            if report.isGenerating {
                report.session?.cancel()
                status.message = "drafting cancelled; the text so far is kept"
                return
            }
            report.isOpen = false
            focus = .input
            status.message = report.unsaved ? "report hidden (unsaved: Ctrl-S saves; it is also autosaved)" : nil
        } else {
            guard casePane.study?.caseFile != nil else {
                status.message = "open a study first (o): a report is about a case"
                return
            }
            report.isOpen = true
            focus = .report
            if report.buffer.text.isEmpty && report.session == nil {
                draftReport()
            } else {
                status.message = "Ctrl-G drafts again · Ctrl-S saves · Ctrl-P signoff signs it · Esc returns to the chat"
            }
        }
        invalidate(.screen)
    }

    /// Ctrl-G: a new draft from the model for the case and the shown image.
    func draftReport() {
        guard let study = casePane.study, let caseFile = study.caseFile else {
            status.message = "open a study first (o): a report is about a case"
            return
        }
        guard !report.isGenerating else {
            status.message = "a draft is already being written (Esc cancels it)"
            return
        }
        guard !chatPane.session.snapshot().isGenerating else {
            status.message = "wait for the chat reply to finish (or Esc it), then draft the report"
            return
        }
        let item = imagePane.viewer.images.indices.contains(imagePane.viewer.index) ? imagePane.viewer.images[imagePane.viewer.index] : nil
        let attachment = model.backend.acceptsImages ? imagePane.currentAttachment() : nil
        let number = item.flatMap { item in study.images.firstIndex(of: item) }.map { $0 + 1 } ?? 1
        let request = ReportRequest(caseFile: caseFile, imageNumber: number, image: attachment, sampling: chatPane.session.settings)
        let draftSession = report.session ?? ChatSession(backend: model.reportBackend)
        do {
            try request.start(on: draftSession)
        } catch {
            status.message = error.description
            return
        }
        report.session = draftSession
        report.request = request
        // The shown file (a series' slice), so the stamp names and hashes what was read.
        report.image = imagePane.viewer.shownItem.map { ($0, attachment, imagePane.viewer.image?.metadata) }
        report.lastRevision = -1
        report.wasGenerating = true
        report.buffer.load("")
        report.isOpen = true
        focus = .report
        status.message = attachment.map { "drafting from the case and \(($0.source as NSString).lastPathComponent)…" }
            ?? "drafting from the case text (no image sent)…"
    }

    /// Copies the streaming draft into the editor; the text is the user's once it ends.
    func syncReport() {
        guard let reportSession = report.session else { return }
        let snapshot = reportSession.snapshot()
        guard snapshot.revision != report.lastRevision else { return }
        report.lastRevision = snapshot.revision
        guard let text = ReportRequest.draftText(in: snapshot) else {
            // Failed before its first token: say why, and the editor is the user's again.
            if report.wasGenerating && !snapshot.isGenerating, let note = snapshot.entries.last, note.role == .note {
                status.message = "draft: " + note.text
            }
            report.wasGenerating = snapshot.isGenerating
            return
        }
        if snapshot.isGenerating || report.wasGenerating {
            report.buffer.load(text)
            report.buffer.moveToEnd()
        }
        if report.wasGenerating && !snapshot.isGenerating {
            // The finished draft is the user's unsaved work now.
            report.noteEdit()
            if let note = snapshot.entries.last, note.role == .note { status.message = "draft: " + note.text }
        }
        report.wasGenerating = snapshot.isGenerating
    }

    /// A key while the report has focus: its own bindings (Ctrl-G, Ctrl-Z, Ctrl-Y, Esc) and the
    /// global ones first, then editing; the chat's scrolling keys page the report instead.
    func handleReportKey(_ key: Key) {
        let scrolling: Set<Action> = [.scrollUp, .scrollDown, .scrollLineUp, .scrollLineDown, .scrollToTop, .scrollToBottom]
        if case .action(let action)? = keymap.command(for: key, focus: .report), !scrolling.contains(action) {
            return perform(action, key: key)
        }
        quitGuard.otherKey()
        guard !report.isGenerating else {
            if TextEditorBuffer.edits(key) { status.message = "the model is still writing the draft (Esc cancels it)" }
            return
        }
        if report.buffer.handle(key, pageHeight: max(1, (screen.layout?.transcript.rows ?? 10) - 2)),
           TextEditorBuffer.edits(key) {
            report.noteEdit()
        }
    }

    /// Ctrl-Z in the report, or Ctrl-Y (`redo`).
    func undoReport(redo: Bool = false) {
        if redo ? report.buffer.redo() : report.buffer.undo() {
            report.noteEdit()
            status.message = redo ? "redone" : "undone"
        } else {
            status.message = redo ? "nothing to redo" : "nothing to undo"
        }
    }
}
