import TUI

/// A minimal screen that proves the terminal wrapper works on a real terminal:
/// a boxed window with a title, a line of CJK and emoji (to check wide characters
/// line up), and a prompt; it waits for a key and exits, restoring the terminal.
///
/// Only the tests use it: `TerminalSmokeTests` runs it in a tmux pane through
/// `TerminalSmokeChildTests`, so it lives beside them rather than in the TUI module.
enum TerminalSmokeDemo {
    static let title = "MedGemma Workstation"
    static let wideLine = "胸部X線 검사 🩻 🫁 ✅"
    static let prompt = "Press any key to exit."

    /// Shows the demo until a key other than a resize arrives; returns that key.
    @discardableResult
    static func run() throws -> Key {
        try Terminal.withSession { terminal in
            terminal.setCursorVisible(false)
            while true {
                draw(on: terminal)
                let key = terminal.getKey()
                if key != .resize { return key }
            }
        }
    }

    private static func draw(on terminal: Terminal) {
        let screen = terminal.screen
        screen.erase()
        screen.stage()
        let (rows, columns) = terminal.size
        let boxRows = 7
        let boxColumns = max(DisplayWidth.of(wideLine), DisplayWidth.of(prompt), DisplayWidth.of(title)) + 6
        guard let window = terminal.makeWindow(rows: min(boxRows, rows), columns: min(boxColumns, columns),
                                               row: max(0, (rows - boxRows) / 2),
                                               column: max(0, (columns - boxColumns) / 2)) else {
            screen.put("Terminal too small", row: 0, column: 0)
            screen.refresh()
            return
        }
        window.drawBox(title: title)
        window.put("Terminal check", row: 2, column: 3, attributes: .underline)
        window.put(wideLine, row: 3, column: 3)
        window.put(prompt, row: 5, column: 3, attributes: .dim)
        window.stage()
        terminal.update()
    }
}
