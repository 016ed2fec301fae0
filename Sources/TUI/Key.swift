import CNCursesW

/// One keypress, decoded from ncurses' wide-character input.
///
/// Callers match on meaning (`.up`, `.enter`, `.character("q")`) instead of on
/// curses' numeric `KEY_*` codes, which stay inside this file.
public enum Key: Hashable, Sendable {
    /// A printable character (any script, already assembled from UTF-8 by ncurses).
    case character(Character)
    /// Ctrl plus a letter, as the lowercase letter: Ctrl-A is `.control("a")`.
    case control(Character)
    case enter, tab, backTab, backspace, escape, delete, insert
    case up, down, left, right, home, end, pageUp, pageDown
    /// Function key F1…F63.
    case function(Int)
    /// The terminal changed size; re-read `Terminal.size` and redraw.
    case resize
    /// A mouse event other than a wheel notch (reporting is turned on by
    /// `Terminal.enableInputReporting`, for the wheel only).
    case mouse
    /// Alt (Meta) plus a character: terminals send it as Esc followed by the character,
    /// so `Alt-b` is `.alt("b")`. Use `Key.alt(after:)` to combine the two reads.
    case alt(Character)
    /// Alt-Enter (Esc followed by Enter): a newline in the input without sending.
    case altEnter
    /// Ctrl plus an arrow key (ncurses reports these as terminal-specific extended keys,
    /// e.g. `kLFT5`/`kRIT5`; the reader maps them here).
    case controlLeft, controlRight
    /// Mouse wheel, one notch.
    case wheelUp, wheelDown
    /// Text that arrived as one bracketed paste (`Esc[200~ … Esc[201~`), unsanitised.
    case paste(String)
    /// The input stream ended or failed (terminal closed); the program should quit.
    case endOfInput
    /// A key ncurses knows but this wrapper does not name, with its raw code.
    case unknown(Int)

    /// Maps a curses function-key code (the `KEY_CODE_YES` case of `get_wch`).
    init(keyCode code: Int32) {
        switch code {
        case KEY_UP: self = .up
        case KEY_DOWN: self = .down
        case KEY_LEFT: self = .left
        case KEY_RIGHT: self = .right
        case KEY_HOME: self = .home
        case KEY_END: self = .end
        case KEY_PPAGE: self = .pageUp
        case KEY_NPAGE: self = .pageDown
        case KEY_BACKSPACE: self = .backspace
        case KEY_DC: self = .delete
        case KEY_IC: self = .insert
        case KEY_ENTER: self = .enter
        case KEY_BTAB: self = .backTab
        case KEY_RESIZE: self = .resize
        case KEY_MOUSE: self = .mouse
        case (KEY_F0 + 1)...(KEY_F0 + 63): self = .function(Int(code - KEY_F0))
        default: self = .unknown(Int(code))
        }
    }

    /// Combines an Esc with the key read right after it into the Alt chord terminals
    /// mean by that pair (Esc b → Alt-b, Esc Enter → Alt-Enter); nil when the pair is
    /// not a chord (then the Esc was a plain Esc press).
    public static func alt(after next: Key) -> Key? {
        switch next {
        case .character(let character): return .alt(character)
        case .enter: return .altEnter
        default: return nil
        }
    }

    /// Maps a character read by `get_wch`, including the control characters that
    /// terminals send for Enter, Tab, Backspace and Escape. (`Terminal` reads LF as
    /// `.control("j")`: with `nonl` the Enter key sends CR, so LF is Ctrl-J.)
    init(character value: UInt32) {
        switch value {
        case 0x0A, 0x0D: self = .enter
        case 0x09: self = .tab
        case 0x08, 0x7F: self = .backspace
        case 0x1B: self = .escape
        case 0x01...0x1A: self = .control(Character(Unicode.Scalar(UInt8(0x60 + value))))
        case 0x00...0x1F, 0x80...0x9F: self = .unknown(Int(value))
        default:
            if let scalar = Unicode.Scalar(value) {
                self = .character(Character(scalar))
            } else {
                self = .unknown(Int(value))
            }
        }
    }
}
