import CNCursesW
import Glibc

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
        idcok(screenPointer, false)
        // Esc alone must not wait ncurses' default second for a sequence to follow.
        _ = set_escdelay(25)
        defineExtraKeys()
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
        if inputReportingEnabled { writeRaw(Self.inputReportingOff) }
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
        // No insert/delete-character optimisation: cells drawn with `writeRaw` (image
        // previews) are unknown to ncurses and must never be shifted sideways by it.
        idcok(pointer, false)
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
    ///
    /// Besides `Key(keyCode:)`/`Key(character:)`: LF is Ctrl-J (with `nonl` Enter sends
    /// CR, so LF only comes from Ctrl-J), the codes taught by `defineExtraKeys` become
    /// Ctrl-←/→, and a mouse event becomes a wheel notch (or `.mouse`).
    private func readKey() -> Key? {
        var character: wint_t = 0
        switch wget_wch(screen.pointer, &character) {
        case KEY_CODE_YES:
            let code = Int32(bitPattern: character)
            switch code {
            case Self.controlLeftCode: return .controlLeft
            case Self.controlRightCode: return .controlRight
            case KEY_MOUSE: return mouseKey()
            default: return Key(keyCode: code)
            }
        case OK:
            return character == 0x0A ? .control("j") : Key(character: character)
        default: return nil
        }
    }

    // MARK: Extra keys, mouse wheel, bracketed paste

    /// Key codes this wrapper teaches ncurses (above ncurses' own `KEY_MAX`).
    static let controlLeftCode: Int32 = 0x1100
    static let controlRightCode: Int32 = 0x1101
    /// The bracketed-paste markers, for `PasteCollector(startCode:endCode:)`.
    public static let pasteStartCode = 0x1102
    public static let pasteEndCode = 0x1103

    /// Bracketed paste on and wheel reporting: both switched off again in `stop()`
    /// (ncurses' `endwin` does not know about bracketed paste).
    static let inputReportingOff = "\u{1B}[?2004l"
    private var inputReportingEnabled = false

    /// Ctrl-arrows as xterm-compatible terminals (and tmux) send them, and the paste
    /// markers. `define_key(s, 0)` first drops any terminfo definition of the string.
    private static func defineExtraKeys() {
        let definitions: [(String, Int32)] = [
            ("\u{1B}[1;5D", controlLeftCode), ("\u{1B}[1;5C", controlRightCode),
            ("\u{1B}[200~", Int32(pasteStartCode)), ("\u{1B}[201~", Int32(pasteEndCode)),
        ]
        for (sequence, code) in definitions {
            _ = define_key(sequence, 0)
            _ = define_key(sequence, code)
        }
    }

    /// Raw input: Ctrl-C (and Ctrl-Z, Ctrl-S, Ctrl-Q) arrive as keys instead of signals
    /// and flow control, for programs that give Ctrl-C its own meaning (cancel, then
    /// quit). SIGTERM and SIGHUP still restore the terminal. `endwin` undoes it.
    public func setRawInput(_ on: Bool) {
        guard !stopped else { return }
        if on {
            raw()
        } else {
            noraw()
            cbreak()
        }
    }

    /// Turns on bracketed paste and mouse-wheel reports (buttons 4 and 5 only; the
    /// terminal still selects text with Shift held). Called once by the application.
    public func enableInputReporting() {
        guard !stopped, !inputReportingEnabled else { return }
        inputReportingEnabled = true
        // NCURSES_MOUSE_VERSION 2: BUTTONn_PRESSED = 2 << ((n - 1) * 5).
        let wheel = mmask_t(2 << 15) | mmask_t(2 << 20)
        _ = mousemask(wheel, nil)
        _ = mouseinterval(0)
        writeRaw("\u{1B}[?2004h")
    }

    /// Ctrl-Z (a key here, raw input being on): gives the terminal back to the shell and
    /// stops the process as SIGTSTP would; when the shell continues it (`fg`), raw input,
    /// paste and wheel reporting come back and the next update repaints everything.
    /// Returns false, changing nothing, where nobody could continue us: a program started
    /// without job control (its process group is the session's) would never stop anyway.
    @discardableResult
    public func suspend() -> Bool {
        guard !stopped, getpgrp() != getsid(0) else { return false }
        writeRaw(Self.inputReportingOff)
        def_prog_mode()
        endwin()
        // ncurses may have its own SIGTSTP handler; the default action is what stops us.
        let previous = Glibc.signal(SIGTSTP, SIG_DFL)
        raise(SIGTSTP)  // returns once continued
        Glibc.signal(SIGTSTP, previous)
        reset_prog_mode()
        inputReportingEnabled = false
        enableInputReporting()
        repaintEverythingAtNextUpdate()
        return true
    }

    /// The cell under the pointer at the last wheel notch (0-based), so a notch can act on
    /// the pane it was turned over (the image pane's series) rather than on the focus.
    public private(set) var lastWheelCell: (row: Int, column: Int)?

    private func mouseKey() -> Key {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return .mouse }
        lastWheelCell = (Int(event.y), Int(event.x))
        if event.bstate & mmask_t(2 << 15) != 0 { return .wheelUp }
        if event.bstate & mmask_t(2 << 20) != 0 { return .wheelDown }
        return .mouse
    }

    /// Writes bytes straight to the terminal, after ncurses' own output, for what
    /// ncurses cannot express (24-bit colour image rows, mode switches).
    public func writeRaw(_ text: String) {
        fflush(stdout)
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 { if errno == EINTR { continue } else { return } }
            offset += written
        }
    }

    /// The next `update()` clears the terminal and sends every cell (Ctrl-L, resize):
    /// whatever another program or a reflow left on the screen is gone.
    public func repaintEverythingAtNextUpdate() {
        guard !stopped, let current = curscr else { return }
        clearok(current, true)
    }

    /// Draws pre-encoded rows (e.g. `HalfBlockRenderer.lines`) at a screen position,
    /// after `update()`. The cursor and attributes are saved and restored around it
    /// (DECSC/DECRC) so ncurses' idea of the cursor stays right. ncurses believes
    /// these cells are whatever its windows hold there (blanks), so callers draw the
    /// rows again after anything of ncurses' own has covered them.
    public func drawRaw(lines: [String], row: Int, column: Int) {
        guard !stopped, !lines.isEmpty else { return }
        var out = "\u{1B}7"
        for (index, line) in lines.enumerated() {
            out += "\u{1B}[\(row + index + 1);\(column + 1)H" + line
        }
        out += "\u{1B}[0m\u{1B}8"
        writeRaw(out)
    }
}

/// Restores the terminal and re-raises the signal with its default action, so the
/// process ends exactly as it would have without the handler.
/// (`endwin` is not formally async-signal-safe; restoring the user's terminal is
/// worth that, and the process is about to end anyway.)
private func restoreTerminalThenDie(_ signal: Int32) {
    // Bracketed paste off (write is async-signal-safe); endwin handles the rest.
    let off: [UInt8] = [0x1B, 0x5B, 0x3F, 0x32, 0x30, 0x30, 0x34, 0x6C]
    _ = off.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
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
