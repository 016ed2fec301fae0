import Foundation
import MedImaging
import Workstation

/// The draft report the workstation is working on: the editable text, the chat session
/// the model writes it in (its own, so the case chat is untouched), what is needed to
/// stamp it, and when it was last autosaved.
struct ReportPane {
    var isOpen = false
    var buffer = TextEditorBuffer()
    /// The running or last draft request; its session streams the text.
    var session: ChatSession?
    var request: ReportRequest?
    /// The image the draft was asked about, for the stamp.
    var image: (item: StudyImage, attachment: ImageAttachment?, metadata: ImageMetadata?)?
    var lastRevision = -1
    var autosave = AutosaveSchedule()
    /// Why the last autosave failed, for the printout on quit (nil after a good one).
    var autosaveProblem: String?
    /// Unsaved changes whose last autosave failed: the draft exists only in memory.
    var isOnlyInMemory: Bool { autosave.isFailing && autosave.hasUnsavedChanges }
    /// The buffer's scroll position, in visual rows.
    var top = 0

    var isGenerating: Bool { session?.snapshot().isGenerating ?? false }

    /// Ctrl-S came before the model files were hashed: save as soon as they are.
    var saveWhenReady = false
    /// Text not yet saved as a report (typed, drafted or restored).
    var unsaved = false
    /// Whether the draft session was generating at the last look (to notice it ending).
    var wasGenerating = false

    /// The sign-off (`:signoff`) of the text as it stands, stamped into every save; empty
    /// until signed, and emptied by any change, since a sign-off is of the text signed.
    var reviewer = ReviewerFields()

    /// Records unsaved work, for the title and autosave; a change withdraws a sign-off.
    mutating func noteEdit() {
        unsaved = true
        reviewer = ReviewerFields()
        autosave.noteChange(at: ContinuousClock.now)
    }
}
