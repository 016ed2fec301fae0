/// Turns a bracketed paste into one `.paste` key.
///
/// With bracketed paste on (`ESC [?2004h`), the terminal wraps pasted text in
/// `ESC [200~` … `ESC [201~`. Taught to ncurses with `define_key` as two key codes,
/// those markers arrive as `.unknown(startCode)` and `.unknown(endCode)`, and the
/// text between as ordinary keys. Collected here, a multi-line paste becomes one
/// insertion instead of a burst of Enter keys that would send half a message.
/// The text is raw: `LineEditor.insert` cleans it.
public struct PasteCollector: Sendable {
    public let startCode: Int
    public let endCode: Int
    public private(set) var isCollecting = false
    private var text = ""

    public init(startCode: Int, endCode: Int) {
        self.startCode = startCode
        self.endCode = endCode
    }

    /// Feeds the next key read. Returns the key to handle: the key itself outside a
    /// paste, nothing while collecting, and `.paste(text)` at the end marker.
    public mutating func process(_ key: Key) -> Key? {
        if !isCollecting {
            guard key == .unknown(startCode) else { return key }
            isCollecting = true
            text = ""
            return nil
        }
        switch key {
        case .unknown(endCode):
            isCollecting = false
            defer { text = "" }
            return .paste(text)
        case .character(let character): text.append(character)
        case .enter: text.append("\n")
        case .tab: text.append("\t")
        case .endOfInput:
            isCollecting = false
            return .endOfInput
        default: break  // keys a paste cannot contain (arrows, resize…) are dropped
        }
        return nil
    }
}
