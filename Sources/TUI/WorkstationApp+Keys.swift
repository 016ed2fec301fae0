import Foundation

/// Keys: a raw key becomes a chord, then an overlay's, the report's, the input's or an
/// action's; every key draws a frame (`run` asks for it).
extension WorkstationApp {
    /// A raw key: bracketed paste collected, Esc + key combined into Alt chords.
    func receive(_ raw: Key) {
        guard let key = paste.process(raw) else { return }
        if key == .escape, !paste.isCollecting, let next = terminal.getKey(timeoutMilliseconds: 0) {
            if let chord = Key.alt(after: next) { return handle(chord) }
            handle(.escape)
            return receive(next)
        }
        handle(key)
    }

    func handle(_ key: Key) {
        switch key {
        case .resize:
            relayout()
            return
        case .endOfInput:
            running = false
            return
        default: break
        }
        status.message = nil
        if overlay.isOpen { return handleOverlay(key) }
        if wheelStepsSlices(key) { return }
        if focus == .report {
            return handleReportKey(key)
        }
        if focus == .input {
            if let action = chatPane.editor.handle(key, keymap: keymap) {
                perform(action, key: key)
            } else {
                quitGuard.otherKey()
            }
            return
        }
        switch keymap.command(for: key, focus: focus.context) {
        case .action(let action)?:
            perform(action, key: key)
        case .edit?:
            quitGuard.otherKey()
        case nil:
            quitGuard.otherKey()
            // Typing outside the input starts a message, as people expect.
            if case .character = key {
                focus = .input
                chatPane.editor.handle(key, keymap: keymap)
            } else if case .paste = key {
                focus = .input
                chatPane.editor.handle(key, keymap: keymap)
            }
        }
    }
}
