/// The start screen shown until the full workstation panes exist: a boxed summary of what
/// was loaded, redrawn on resize, closed with q, Esc or Ctrl-C.
public enum WelcomeScreen {
    /// Shows `lines` under `title` until the user quits.
    public static func run(title: String, lines: [String], footer: String) throws {
        try Terminal.withSession { terminal in
            terminal.setCursorVisible(false)
            while true {
                draw(on: terminal, title: title, lines: lines, footer: footer)
                switch terminal.getKey() {
                case .character("q"), .character("Q"), .escape, .control("c"), .endOfInput: return
                default: continue
                }
            }
        }
    }

    private static func draw(on terminal: Terminal, title: String, lines: [String], footer: String) {
        let screen = terminal.screen
        screen.erase()
        screen.stage()
        let (rows, columns) = terminal.size
        let width = min(columns, max(DisplayWidth.of(title), DisplayWidth.of(footer), lines.map(DisplayWidth.of).max() ?? 0) + 6)
        let height = min(rows, lines.count + 4)
        guard rows >= 5, columns >= 20,
              let window = terminal.makeWindow(rows: height, columns: width, row: max(0, (rows - height) / 2),
                                               column: max(0, (columns - width) / 2)) else {
            screen.put("Enlarge the terminal", row: 0, column: 0)
            screen.refresh()
            return
        }
        window.drawBox(title: title)
        for (i, line) in lines.prefix(height - 4).enumerated() {
            window.put(line, row: i + 1, column: 3)
        }
        window.put(footer, row: height - 2, column: 3, attributes: .dim)
        window.stage()
        terminal.update()
    }
}
