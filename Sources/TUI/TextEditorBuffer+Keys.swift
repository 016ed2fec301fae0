/// The report editor's keys: the usual text-editing keys, handled before the keymap so
/// typing a letter always types it. Returns false for keys it does not edit with.
extension TextEditorBuffer {
    mutating func handle(_ key: Key, pageHeight: Int) -> Bool {
        switch key {
        case .character(let character): insert(String(character))
        case .paste(let text): insert(text)
        case .enter, .altEnter, .control("j"): insertNewline()
        case .tab: insert("    ")
        case .backspace: deleteBackward()
        case .delete, .control("d"): deleteForward()
        case .left: moveLeft()
        case .right: moveRight()
        case .up: moveUp()
        case .down: moveDown()
        case .controlLeft, .alt("b"): moveWordLeft()
        case .controlRight, .alt("f"): moveWordRight()
        case .home, .control("a"): moveToLineStart()
        case .end, .control("e"): moveToLineEnd()
        case .pageUp: pageUp(height: pageHeight)
        case .pageDown: pageDown(height: pageHeight)
        default: return false
        }
        return true
    }

    /// Whether `key` changes the text (for autosave), as opposed to moving the cursor.
    static func edits(_ key: Key) -> Bool {
        switch key {
        case .character, .paste, .enter, .altEnter, .control("j"), .tab, .backspace, .delete, .control("d"): return true
        default: return false
        }
    }
}
