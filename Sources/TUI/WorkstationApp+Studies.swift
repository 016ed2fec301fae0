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
        // A series is read off the UI thread; its notes reach the status bar when it is
        // ready (`followBackgroundWork`).
    }
}
