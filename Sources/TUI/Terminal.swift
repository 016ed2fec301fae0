import CNCursesW
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses screen session: sets the terminal up and, above all, puts it back.
///
/// A program that dies without `endwin()` leaves the user's shell with echo off and
/// no line editing, so restoring is guaranteed four ways: `stop()`, `deinit`,
/// `withSession` (which stops on every exit path, errors included), and handlers for
/// SIGINT, SIGTERM and SIGHUP that restore the screen and then let the signal
/// terminate the process as it would have (same exit status for the shell).
///
/// ncurses has one global screen, so there is at most one running `Terminal`.
/// It is meant for the main thread only.
public final class Terminal {
    /// The signals after which the terminal is restored before the process dies.
    private static let restoredSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// True between `start()` and `stop()`; drawing on a stopped terminal is ignored.
    public private(set) nonisolated(unsafe) static var isRunning = false

    /// The whole screen (`stdscr`).
    public let screen: Window
    /// Whether the terminal can show colours (ncurses `has_colors`).
    public let hasColors: Bool

    private var previousHandlers: [Int32: sighandler_t?] = [:]
    private var stopped = false

    private init(screen: Window, hasColors: Bool) {
        self.screen = screen
        self.hasColors = hasColors
    }

    /// Enters full-screen mode: locale from the environment (so UTF-8 works), no line
    /// buffering (cbreak), no echo, function keys decoded (keypad), default colours.
    ///
    /// Uses `newterm` rather than `initscr` because `initscr` exits the process on an
    /// unusable terminal; here that becomes a `TerminalError`.
    public static func start() throws(TerminalError) -> Terminal {
        guard !isRunning else { throw .alreadyRunning }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")

        // Installed before ncurses starts: ncurses only adds its own SIGINT/SIGTERM
        // handlers where none exist, and ours restore the screen more completely.
        var previous: [Int32: sighandler_t?] = [:]
        for signal in restoredSignals { previous[signal] = Glibc.signal(signal, restoreTerminalThenDie) }

        guard newterm(nil, stdout, stdin) != nil, let screenPointer = stdscr else {
            for (signal, handler) in previous { Glibc.signal(signal, handler) }
            throw .cannotInitialize(term: getenv("TERM").map { String(cString: $0) } ?? "")
        }
        cbreak()
        noecho()
        nonl()
        keypad(screenPointer, true)
        var colours = false
        if has_colors() {
            colours = start_color() == OK
            if colours { _ = use_default_colors() }
        }
        registerExitHandlerOnce()
        isRunning = true
        let terminal = Terminal(screen: Window(borrowing: screenPointer), hasColors: colours)
        terminal.previousHandlers = previous
        return terminal
    }

    /// Runs `body` in a terminal session and always stops the session afterwards.
    public static func withSession<Result>(_ body: (Terminal) throws -> Result) throws -> Result {
        let terminal = try start()
        defer { terminal.stop() }
        return try body(terminal)
    }

    /// Leaves full-screen mode and restores the terminal and signal handlers.
    /// Safe to call more than once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        endwin()
        Self.isRunning = false
        for (signal, handler) in previousHandlers { Glibc.signal(signal, handler) }
        previousHandlers = [:]
    }

    deinit { stop() }

    /// Screen size in rows and columns (updated by ncurses after a `.resize` key).
    public var size: (rows: Int, columns: Int) { screen.size }

    /// Creates a window at a screen position; nil if it does not fit on the screen.
    public func makeWindow(rows: Int, columns: Int, row: Int, column: Int) -> Window? {
        guard rows > 0, columns > 0, row >= 0, column >= 0,
              let pointer = newwin(Int32(rows), Int32(columns), Int32(row), Int32(column)) else { return nil }
        keypad(pointer, true)
        return Window(owning: pointer)
    }

    /// Shows everything staged with `Window.stage()` in one write (ncurses `doupdate`),
    /// which avoids flicker when several windows change.
    public func update() {
        guard !stopped else { return }
        doupdate()
    }

    /// Shows or hides the cursor.
    public func setCursorVisible(_ visible: Bool) {
        _ = curs_set(visible ? 1 : 0)
    }

    /// Waits for the next key. Returns `.endOfInput` when the terminal input is gone,
    /// so a reading loop ends instead of spinning.
    public func getKey() -> Key {
        while true {
            errno = 0
            if let key = readKey() { return key }
            if errno != EINTR { return .endOfInput }  // a signal interrupted the read: retry
        }
    }

    /// Waits at most `milliseconds` for a key; nil when none came.
    public func getKey(timeoutMilliseconds milliseconds: Int) -> Key? {
        wtimeout(screen.pointer, Int32(clamping: milliseconds))
        defer { wtimeout(screen.pointer, -1) }
        return readKey()
    }

    /// One `wget_wch`: a character, a function-key code, or nil (timeout, error).
    private func readKey() -> Key? {
        var character: wint_t = 0
        switch wget_wch(screen.pointer, &character) {
        case KEY_CODE_YES: return Key(keyCode: Int32(bitPattern: character))
        case OK: return Key(character: character)
        default: return nil
        }
    }
}

/// Restores the terminal and re-raises the signal with its default action, so the
/// process ends exactly as it would have without the handler.
/// (`endwin` is not formally async-signal-safe; restoring the user's terminal is
/// worth that, and the process is about to end anyway.)
private func restoreTerminalThenDie(_ signal: Int32) {
    endwin()
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// Also restore when the program calls `exit()` while the screen is up.
private func registerExitHandlerOnce() {
    _ = exitHandlerRegistration
}

private let exitHandlerRegistration: Void = {
    atexit {
        if Terminal.isRunning { endwin() }
    }
}()
