import Foundation
import MedImaging
import Workstation

/// The draft report: `r` shows it in place of the chat, Ctrl-G asks the model for a draft
/// (streamed into the editor), Ctrl-S saves Markdown + FHIR with their stamps, and the
/// text autosaves to a recovery file every few seconds and on quit, so a crash or kill
/// loses nothing: reopening the study offers the draft back.
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
                status.message = "Ctrl-G drafts again · Ctrl-S saves · Esc returns to the chat"
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
        report.image = item.map { ($0, attachment, imagePane.viewer.image?.metadata) }
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

    /// A key while the report has focus: its own bindings (Ctrl-G, Ctrl-Z, Esc) and the
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

    /// Ctrl-Z in the report.
    func undoReport() {
        if report.buffer.undo() {
            report.noteEdit()
            status.message = "undone"
        } else {
            status.message = "nothing to undo"
        }
    }

    /// The stamp for the report as it stands.
    func reportStamp() -> ReportStamp? {
        guard let request = report.request else { return nil }
        var images: [StampedImage] = []
        if let (item, attachment, metadata) = report.image {
            let hash = (try? FileHashCache.shared.sha256(ofFileAt: item.url.path)) ?? ""
            images.append(StampedImage(file: item.image.file, sha256: hash,
                                       preparation: attachment?.preparation ?? "not sent to the model",
                                       sentToModel: attachment != nil, metadata: metadata))
        }
        let files = model.provenance.files()
        return ReportStamp(request: request, backend: model.reportBackend.displayName, model: files.model, mmproj: files.mmproj,
                           images: images, date: Date(), timeZone: .current)
    }

    /// Ctrl-S: Markdown + FHIR into the study's reports/ (or the XDG fallback). A failure
    /// says why and keeps the draft.
    func saveReport() {
        guard let study = casePane.study else {
            status.message = "open a study first (o)"
            return
        }
        guard !report.buffer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            status.message = report.isOpen ? "the report is empty: Ctrl-G drafts one" : "no report yet: r opens it"
            return
        }
        guard !report.isGenerating else {
            status.message = "the draft is still being written (Esc cancels it)"
            return
        }
        guard model.provenance.isReady else {
            // The first save after start may come before the model's sha256 is known.
            report.saveWhenReady = true
            status.message = "hashing the model for the report's stamp; the report is saved when that is done"
            return
        }
        report.saveWhenReady = false
        guard let stamp = reportStamp() ?? manualStamp() else { return }
        do {
            let saved = try ReportStore().save(DraftReport(text: report.buffer.text, stamp: stamp), for: study)
            report.buffer.markSaved()
            report.unsaved = false
            report.autosave.noteSaved(at: ContinuousClock.now)
            DraftRecovery().discard(forStudyAt: study.path)
            status.message = "report saved: \(saved.markdownPath) + .fhir.json" + (saved.usedFallback ? " (the study folder is read-only)" : "")
        } catch {
            status.message = error.description
        }
    }

    /// A report typed without asking the model still gets a stamp (no prompts).
    func manualStamp() -> ReportStamp? {
        guard let caseFile = casePane.study?.caseFile else { return nil }
        report.request = ReportRequest(caseFile: caseFile, imageNumber: imagePane.viewer.index + 1, image: nil, sampling: chatPane.session.settings)
        return reportStamp()
    }

    /// Every loop turn: writes the recovery file when an edit is a few seconds old.
    func autosaveReport(force: Bool = false) {
        guard let study = casePane.study, report.autosave.hasUnsavedChanges else { return }
        let now = ContinuousClock.now
        guard force || report.autosave.isDue(at: now) else { return }
        do {
            try DraftRecovery().save(text: report.buffer.text, stamp: nil, forStudyAt: study.path)
            report.autosave.noteSaved(at: now)
        } catch {
            status.message = "autosave failed: \(error)"
        }
    }

    /// On opening a study: an unsaved draft from last time is offered back.
    func offerRecoveredDraft(for chosen: Study) {
        do {
            let store = ReportStore()
            if let draft = try DraftRecovery().pendingRecovery(forStudyAt: chosen.path, lastSavedText: store.latestSavedText(for: chosen)) {
                overlay = .restoreDraft(draft)
            }
        } catch {
            status.message = "\(error)"
        }
    }

    /// The answer to the recovery question.
    func answerRecovery(_ draft: RecoveredDraft, restore: Bool) {
        guard let study = casePane.study else { return }
        if restore {
            report = ReportPane()
            report.buffer.load(draft.text)
            report.noteEdit()  // restored text is unsaved work
            report.isOpen = true
            focus = .report
            status.message = "draft report from \(draft.savedAt) restored · Ctrl-S saves"
        } else {
            DraftRecovery().discard(forStudyAt: study.path)
            status.message = "recovered draft discarded"
        }
        invalidate([.frame, .allCells])
    }

    /// The report editor in the transcript's and input's place. Returns the cursor's
    /// window position when it should be shown.
    func drawReport(_ window: Window) {
        let drafting = report.isGenerating
        var heading = "Report"
        if drafting { heading += " · drafting… Esc cancels" } else if report.unsaved { heading += " · unsaved · Ctrl-S saves" }
        heading += " · Ctrl-G draft · Esc chat"
        frame(window, heading, pane: .report)
        let (rows, columns) = window.size
        let height = max(1, rows - 3)
        let width = max(1, columns - 2)
        report.buffer.wrapWidth = width
        let layout = report.buffer.layout(width: width)
        report.top = TextEditorBuffer.scrollTop(cursorRow: layout.cursorRow, height: height, top: report.top)
        for (index, text) in layout.rows.dropFirst(report.top).prefix(height).enumerated() {
            let heading = text.hasPrefix("#") || text.hasPrefix("**")
            window.put(text, row: 1 + index, column: 1, style: screen.colors[heading ? .reportHeading : .text])
        }
        window.put(DisplayWidth.prefix(Disclaimer.text, fittingIn: width), row: rows - 2, column: 1, style: screen.colors[.disclaimer])
        window.moveCursor(row: 1 + layout.cursorRow - report.top, column: 1 + layout.cursorColumn)
    }
}
