import Foundation
import Workstation

/// Opening a study: every pane follows it (a new conversation, its images, its report).
extension WorkstationApp {
    /// Shows a study and starts a new conversation about it.
    /// A draft report that cannot be autosaved (a full disk, a data folder made read-only)
    /// keeps its study open: opening another would drop the only copy.
    func open(_ chosen: Study, announce: Bool) {
        autosaveReport(force: true)
        if report.isOnlyInMemory {
            status.message = "not opened: the report draft could not be autosaved; save it with Ctrl-S first"
            return
        }
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
