import Foundation
import MedImaging
import Workstation

/// The draft report on disk: Ctrl-S saves Markdown + FHIR with their stamps, and the
/// text autosaves to a recovery file every few seconds and on quit, so a crash or kill
/// loses nothing: reopening the study offers the draft back.
extension WorkstationApp {
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
        var stamp = ReportStamp(request: request, backend: model.reportBackend.displayName, model: files.model, mmproj: files.mmproj,
                                images: images, date: Date(), timeZone: .current)
        stamp.adapters = StampedAdapter.of(model.reportBackend)
        stamp.reviewer = report.reviewer
        return stamp
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
            let signed = report.reviewer.signOffStatus.map { "signed off (\($0.rawValue)) and saved" } ?? "report saved"
            status.message = "\(signed): \(saved.markdownPath) + .fhir.json" + (saved.usedFallback ? " (the study folder is read-only)" : "")
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
            report.autosaveProblem = nil
        } catch {
            report.autosave.noteFailure(at: now)
            report.autosaveProblem = "\(error)"
            status.message = "autosave failed: \(error.shortDescription) — the draft is kept here; Ctrl-S saves it with the study"
            invalidate(.frame)  // said now, not at the next key
        }
    }

    /// The draft when it could be kept nowhere — unsaved, and its last autosave failed — as
    /// the block printed after the screen is restored on quit (nil when it is safe on disk).
    func draftThatCouldNotBeKept() -> String? {
        guard report.isOnlyInMemory, let study = casePane.study,
              !report.buffer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return UnsavedDraftPrintout.text(subject: study.path, problem: "autosave failed: " + (report.autosaveProblem ?? "unknown"),
                                         draft: report.buffer.text)
    }

    /// On opening a study: an unsaved draft from last time is offered back.
    func offerRecoveredDraft(for chosen: Study) {
        do {
            let store = ReportStore()
            if let draft = try DraftRecovery().pendingRecovery(forStudyAt: chosen.path, lastSavedText: store.latestSavedText(for: chosen)) {
                overlay = .restoreDraft(draft)
            }
        } catch {
            status.add(error.shortDescription)
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
}
