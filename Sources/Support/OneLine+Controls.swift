extension OneLine {
    /// What becomes of control characters. Each is the rule one kind of message needed
    /// before they were gathered here; the choice is part of what the message says.
    public enum Controls: Sendable {
        /// Each control character (C0, C1, DEL) becomes a space: file names and library
        /// messages in an error, where the rest of the text matters, not the odd byte.
        case spaces
        /// Each control or format character (bidi overrides, zero-width joiners) becomes
        /// `?`: a word from a hostile file quoted back, shown as the suspicious thing it is.
        case questionMarks
        /// Escaped as `\n`, `\r`, `\t` or `\u{1b}` (line and paragraph separators too): names
        /// read from a binary file, whose exact bytes the reader may need to see.
        case escaped
        /// Lines trimmed and joined by one space, blank ones dropped; other controls are
        /// kept: a multi-line server or library message read as a sentence.
        case joinedLines
    }
}
