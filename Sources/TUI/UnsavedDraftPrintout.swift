/// A draft report that could be saved nowhere (a full disk, a file-size limit, every
/// folder read-only), printed to the terminal as the last way of keeping it: between
/// marker lines, so it can be copied out of the scrollback. `medgemma report` prints it
/// on standard output; the workstation prints it after the screen is restored.
public enum UnsavedDraftPrintout {
    /// The block to print; `subject` names the study, `problem` why it was not saved.
    /// The draft is model output and typing: sanitised for the terminal.
    public static func text(subject: String, problem: String, draft: String) -> String {
        "--- unsaved draft report for \(TerminalSanitizer.singleLine.sanitize(subject)) (\(TerminalSanitizer.singleLine.sanitize(problem))) ---\n"
            + TerminalSanitizer.multiLine.sanitize(draft) + "\n--- end of the unsaved draft ---\n"
    }
}
