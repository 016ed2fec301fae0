import Foundation
import Workstation

/// Opening a study: every pane follows it (a new conversation, its images, its report).
extension WorkstationApp {
    /// Shows a study and starts a new conversation about it.
    func open(_ chosen: Study, announce: Bool) {
        autosaveReport(force: true)
        saveTranscriptIfChanged(force: true)
        casePane.study = chosen
        imagePane.viewer.open(chosen.images)
        startNewChat()
        restoreConversation(of: chosen)
        prepareChat()
        report = ReportPane()
        offerRecoveredDraft(for: chosen)
        prefetchImages(of: chosen)
        if announce { status.message = "opened " + TerminalSanitizer.singleLine.sanitize(chosen.title) }
        // A series' gaps or duplicates must be seen before its slices are read as a volume.
        if let notice = imagePane.viewer.notice { status.message = notice }
    }
}
