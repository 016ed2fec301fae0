import Foundation
import Workstation

/// Drawing the overlay that is open, in a bordered box over the panes.
extension WorkstationApp {
    /// Draws the open overlay and returns its window. The help's scroll position is
    /// clamped here, where its height for this screen is known.
    func drawOverlay(rows: Int, columns: Int) -> Window? {
        switch overlay {
        case .none: return nil
        case .help(let top):
            let lines = [Disclaimer.text, ""] + HelpOverlay(keymap: keymap).lines()
            let height = min(rows - 2, lines.count + 2)
            let clampedTop = min(top, max(0, lines.count - (height - 2)))
            if clampedTop != top { overlay = .help(top: clampedTop) }
            let shown = Array(lines.dropFirst(clampedTop).prefix(height - 2)).map { [StyledSpan($0)] }
            return box(title: "Help · ↑↓ PgUp PgDn scroll · any other key closes", rows: shown,
                       width: (lines.map(DisplayWidth.of).max() ?? 40) + 4, height: height,
                       screenRows: rows, screenColumns: columns)
        case .palette(let palette):
            var list: [[StyledSpan]] = [[StyledSpan("> " + palette.list.query, .bold)], []]
            for entry in palette.list.results {
                let style: SpanStyle = []
                let key = entry.keyLabel.isEmpty ? "" : "  [" + entry.keyLabel + "]"
                list.append([StyledSpan(entry.title + "  ·  " + entry.name + key, style)])
            }
            return box(title: "Command palette · type to filter · Enter runs · Esc closes", rows: list,
                       width: 70, height: min(rows - 2, 24), screenRows: rows, screenColumns: columns,
                       selected: palette.list.selectedIndex + 2)
        case .studies(let browser):
            var list: [[StyledSpan]] = [[StyledSpan("> " + browser.list.query, .bold)], []]
            if browser.list.results.isEmpty { list.append([StyledSpan("no study matches", .note)]) }
            for study in browser.list.results {
                let style: SpanStyle = study.isUsable ? [] : .warning
                list.append([StyledSpan(StudyBrowser.row(study), style)])
            }
            // A preview of the selected study's first image on the right, where it fits.
            let previewColumns = columns >= 100 ? 28 : 0
            let height = min(rows - 2, max(list.count + 2, previewColumns > 0 ? 16 : 0))
            guard let window = box(title: "Studies · type to filter · Enter opens · Esc closes", rows: list,
                                   width: 96 + previewColumns, height: height, screenRows: rows, screenColumns: columns,
                                   selected: browser.list.selectedIndex + 2, reservedRight: previewColumns) else { return nil }
            if previewColumns > 0, let chosen = browser.list.selected {
                let lines = casePane.preview(of: chosen, columns: previewColumns - 3, rows: window.size.rows - 3)
                let left = window.size.columns - previewColumns
                for (index, line) in lines.enumerated() {
                    window.put(line, row: 2 + index, column: left + 1, style: screen.colors[.overlay])
                }
            }
            return window
        case .commandLine(let line):
            let width = columns - 2
            let shown = line.layout(width: max(1, width - 4))
            guard let window = terminal.makeWindow(rows: 3, columns: width, row: max(0, rows - 4), column: 1) else { return nil }
            window.setBackground(screen.colors[.overlay])
            window.erase()
            window.drawBox(title: "Command · Enter runs · Esc closes · e.g. set temperature 0.7, load FILE, model FILE",
                           style: screen.colors[.overlay], titleStyle: screen.colors[.overlayKey])
            window.put(":", row: 1, column: 1, style: screen.colors[.overlayKey])
            window.put(shown.rows.last ?? "", row: 1, column: 2, style: screen.colors[.overlay])
            window.moveCursor(row: 1, column: 2 + shown.cursorColumn)
            screen.windows.append(window)
            return window
        case .restoreDraft(let draft):
            let lines = ["An unsaved draft report for this study was kept (autosaved \(draft.savedAt)).",
                         "Restore it? y restores it · n discards it"]
            return box(title: "Recovered draft", rows: lines.map { [StyledSpan($0, .bold)] },
                       width: (lines.map(DisplayWidth.of).max() ?? 40) + 6, height: 4, screenRows: rows, screenColumns: columns)
        case .models(let picker):
            var list: [[StyledSpan]] = [[StyledSpan("> " + picker.list.query, .bold)], []]
            if picker.list.results.isEmpty { list.append([StyledSpan("no model matches", .note)]) }
            for choice in picker.list.results { list.append([StyledSpan(ModelPicker.row(choice))]) }
            return box(title: "Models · type to filter · Enter loads · Esc closes", rows: list,
                       width: 100, height: min(rows - 2, max(list.count + 2, 8)), screenRows: rows, screenColumns: columns,
                       selected: picker.list.selectedIndex + 2)
        case .seriesQuestion(let offer):
            let lines = offer.lines(remote: model.remote?.name, localEncoding: model.imageEncoder != nil)
            let name = TerminalSanitizer.singleLine.sanitize((offer.question.path as NSString).lastPathComponent)
            return box(title: "Ask about the series \(name)", rows: lines.map { [StyledSpan(TerminalSanitizer.singleLine.sanitize($0))] },
                       width: min(columns - 4, (lines.map(DisplayWidth.of).max() ?? 40) + 4), height: lines.count + 2,
                       screenRows: rows, screenColumns: columns)
        case .confirmQuit(let question):
            return box(title: "Quit", rows: [[StyledSpan(question, .bold)]], width: DisplayWidth.of(question) + 6,
                       height: 3, screenRows: rows, screenColumns: columns)
        }
    }

    /// A centred bordered window holding `rows`; when `selected` would be below the
    /// box, the list scrolls so it stays visible (the first two rows stay put).
    func box(title: String, rows: [[StyledSpan]], width: Int, height: Int, screenRows: Int,
                     screenColumns: Int, selected: Int? = nil, reservedRight: Int = 0) -> Window? {
        let width = min(screenColumns - 2, max(width, DisplayWidth.of(title) + 8))
        let height = max(3, min(screenRows - 2, height))
        guard width > 4, let window = terminal.makeWindow(rows: height, columns: width, row: (screenRows - height) / 2,
                                                           column: (screenColumns - width) / 2) else { return nil }
        window.setBackground(screen.colors[.overlay])
        window.erase()
        window.drawBox(title: title, style: screen.colors[.overlay], titleStyle: screen.colors[.overlayKey])
        let inner = height - 2
        var shown = rows
        if let selected, selected >= inner, rows.count > 2 {
            let skip = selected - inner + 1
            shown = Array(rows.prefix(2)) + Array(rows.dropFirst(2 + skip))
        }
        // The selected row (after any scrolling, the last one shown) in the selection colours.
        let highlighted = selected.map { min($0, inner - 1) }
        for (index, row) in shown.prefix(inner).enumerated() {
            if index == highlighted {
                let selection = screen.colors[.selection]
                window.put(String(repeating: " ", count: max(0, width - 2 - reservedRight)), row: 1 + index, column: 1, style: selection)
                window.put(row, row: 1 + index, column: 2, limit: width - 4 - reservedRight) { _ in selection }
            } else {
                window.put(row, row: 1 + index, column: 2, limit: width - 4 - reservedRight) { self.screen.colors.style(for: $0, in: .overlay) }
            }
        }
        screen.windows.append(window)
        return window
    }
}
