/// Why the terminal user interface could not start.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Standard input or output is not a terminal (piped, redirected, or run by CI).
    case notATerminal
    /// ncurses could not set up the terminal, typically an unknown or unset `TERM`.
    case cannotInitialize(term: String)
    /// `Terminal.start()` was called while a session was already running.
    case alreadyRunning

    /// One line, fit for printing before exiting.
    public var description: String {
        switch self {
        case .notATerminal:
            return "the interactive screen needs a terminal, but standard input or output is not one"
        case .cannotInitialize(let term):
            return "cannot initialise the terminal (TERM=\(term.isEmpty ? "<unset>" : term))"
        case .alreadyRunning:
            return "the terminal screen is already running"
        }
    }
}
