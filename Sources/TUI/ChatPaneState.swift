import Workstation

/// The chat's panes — the transcript and the message being typed — and how far the
/// conversation has been shown and saved. Kept together because they follow one
/// `ChatSession`: a new chat (a study opened, Ctrl-N, another model) replaces the session
/// and starts both revisions again.
struct ChatPaneState {
    /// The conversation about the open study; the engine streams replies into it.
    var session: ChatSession
    /// The message being typed.
    var editor = LineEditor()
    /// The transcript pane's wrapped lines and scroll position.
    var transcript = TranscriptView(width: 40, height: 10)
    /// The entries the transcript shows, so only what changed is wrapped again.
    var shownEntries: [TranscriptEntry] = []
    /// The session's revision the transcript shows; -1: none yet.
    var shownRevision = -1
    /// The session's revision last saved with the study; -1: none yet.
    var savedRevision = -1
    /// Why the last save of the conversation failed (nil after a good one): said again on quit.
    var saveProblem: String?

    init(session: ChatSession) {
        self.session = session
    }

    /// A new conversation: nothing of it shown or saved yet, the transcript at its end.
    mutating func start(_ session: ChatSession) {
        self.session = session
        shownRevision = -1
        savedRevision = -1
        transcript.perform(.scrollToBottom)
    }
}
