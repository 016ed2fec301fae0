/// Human-readable key names for the help overlay, the palette and the status line.
///
/// Written the way people say them ("Ctrl-P", "Shift-Tab", "PgUp", "Alt-Enter"), not
/// the way terminals encode them, so the overlay can be read without knowing curses.
extension Key {
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let character): return String(character)
        case .control(let letter): return "Ctrl-" + letter.uppercased()
        case .alt(let character): return "Alt-" + String(character)
        case .altEnter: return "Alt-Enter"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .escape: return "Esc"
        case .delete: return "Delete"
        case .insert: return "Insert"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .controlLeft: return "Ctrl-←"
        case .controlRight: return "Ctrl-→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let number): return "F\(number)"
        case .wheelUp: return "Wheel ↑"
        case .wheelDown: return "Wheel ↓"
        case .paste: return "Paste"
        case .resize: return "Resize"
        case .mouse: return "Mouse"
        case .endOfInput: return "End of input"
        case .unknown(let code): return "Key \(code)"
        }
    }
}
