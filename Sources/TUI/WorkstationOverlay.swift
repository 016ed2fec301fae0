import Workstation

/// What covers the panes, if anything. Only one overlay is open at a time; while one
/// is open it gets every key.
enum WorkstationOverlay {
    case none
    /// The `?` help, scrolled down by `top` lines.
    case help(top: Int)
    case palette(CommandPalette)
    case studies(StudyBrowser)
    /// The `:` line being typed.
    case commandLine(LineEditor)
    /// Reopening a study found an unsaved draft report: restore it?
    case restoreDraft(RecoveredDraft)
    /// A yes/no question before quitting with an unsent draft.
    case confirmQuit(String)
    /// `:model` without a file: the models on this machine to choose from.
    case models(ModelPicker)
    /// A multi-slice question waiting for the user's go, with its cost.
    case seriesQuestion(SeriesQuestionOffer)

    var isOpen: Bool {
        if case .none = self { return false }
        return true
    }
}
