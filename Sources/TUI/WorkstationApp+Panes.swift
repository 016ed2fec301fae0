import Foundation
import Workstation

/// Drawing each pane from its state: a frame with its title, then its contents.
/// These read state and draw; the report's scroll position follows its cursor here.
extension WorkstationApp {
    func title(_ text: String, pane: PaneFocus) -> String {
        focus == pane ? "● " + text : text
    }

    /// Clears a pane in the theme's colours and draws its frame (brighter when focused).
    func frame(_ window: Window, _ text: String, pane: PaneFocus) {
        window.setBackground(screen.colors[.text])
        window.erase()
        window.drawBox(title: title(text, pane: pane), style: screen.colors[focus == pane ? .paneBorderFocused : .paneBorder],
                       titleStyle: screen.colors[.paneTitle])
    }

    func drawCase(_ window: Window) {
        frame(window, "Case", pane: .casePane)
        let (rows, columns) = window.size
        let lines = CasePaneText.rows(study: casePane.study, currentImage: imagePane.viewer.index, width: columns - 4)
        for (index, line) in lines.prefix(max(0, rows - 2)).enumerated() {
            window.put(line, row: index + 1, column: 2, limit: columns - 4) { self.screen.colors.style(for: $0) }
        }
    }

    /// Draws the image pane's frame (and ASCII images); returns the half-block rows to
    /// write straight to the terminal after the update, with their screen position.
    func drawImage(_ window: Window) -> (preview: ImagePreview, row: Int, column: Int)? {
        let (rows, columns) = window.size
        // drawBox keeps columns - 6 of a title; the focus mark takes 2.
        frame(window, imagePane.viewer.title(fitting: columns - 8), pane: .image)
        // A series gives its last row to the scout line (where the shown slice lies).
        let scout = rows > 4 ? imagePane.viewer.stack?.scout(width: min(columns - 4, 4 * (imagePane.viewer.stack?.count ?? 0) + 2)) : nil
        let areaRows = rows - 2 - (scout == nil ? 0 : 1), areaColumns = columns - 2
        guard areaRows > 0, areaColumns > 0, let rect = screen.layout?.imagePane else { return nil }
        if let scout, !scout.isEmpty {
            window.put(scout, row: rows - 2, column: max(1, (columns - scout.count) / 2), style: screen.colors[.text])
        }
        guard let preview = imagePane.viewer.preview(columns: areaColumns, rows: areaRows, style: imagePane.style) else {
            let waiting = imagePane.viewer.isOpeningSeries ? "reading the series' slices…" : "no image"
            let text = TerminalSanitizer.singleLine.sanitize(imagePane.viewer.loadError ?? waiting)
            for (index, line) in TextWrapper.wrap([StyledSpan(text, .note)], width: areaColumns - 2)
                .prefix(areaRows).enumerated() {
                window.put(line, row: 1 + index, column: 2) { self.screen.colors.style(for: $0) }
            }
            return nil
        }
        if !preview.isRaw {
            for (index, line) in preview.lines.enumerated() {
                window.put(line, row: 1 + preview.rowOffset + index, column: 1 + preview.columnOffset, style: screen.colors[.text])
            }
            return nil
        }
        return (preview, rect.row + 1 + preview.rowOffset, rect.column + 1 + preview.columnOffset)
    }

    func drawTranscript(_ window: Window) {
        var heading = "Transcript"
        if let indicator = chatPane.transcript.viewport.newLinesIndicator { heading += " · " + indicator + " (End)" }
        frame(window, heading, pane: .transcript)
        let columns = window.size.columns
        for (index, line) in chatPane.transcript.visibleLines.enumerated() {
            window.put(line.spans, row: 1 + index, column: 1, limit: columns - 2) { self.screen.colors.style(for: $0) }
        }
    }

    /// Returns whether the cursor was placed inside the box.
    func drawInput(_ window: Window) -> Bool {
        var heading = "Message · Enter send · Alt-Enter newline"
        if model.backend.acceptsImages, imagePane.attachImages, imagePane.viewer.image != nil {
            heading = "Message + image \(imagePane.viewer.index + 1) (a in image pane: text only) · Enter send"
        }
        frame(window, heading, pane: .input)
        let (rows, columns) = window.size
        let visible = max(1, rows - 2)
        let layout = chatPane.editor.layout(width: max(1, columns - 2))
        let first = max(0, min(layout.cursorRow - visible + 1, layout.rows.count - visible))
        if chatPane.editor.isEmpty && focus != .input {
            window.put("Tab to type a question about the case", row: 1, column: 1, style: screen.colors[.timing])
        }
        for (index, text) in layout.rows.dropFirst(first).prefix(visible).enumerated() {
            window.put(text, row: 1 + index, column: 1, style: screen.colors[.inputText])
        }
        window.moveCursor(row: 1 + layout.cursorRow - first, column: 1 + layout.cursorColumn)
        return true
    }

    func drawStatus(_ window: Window) {
        let snapshot = chatPane.session.snapshot()
        let style = screen.colors[snapshot.isGenerating || model.loading != nil ? .statusBarBusy : .statusBar]
        window.setBackground(style)
        window.erase()
        let line = StatusLine(backendName: model.backend.displayName, isGenerating: snapshot.isGenerating,
                                tokensPerSecond: snapshot.liveTokensPerSecond, contextUsed: snapshot.contextUsed,
                                contextSize: snapshot.contextSize, focus: focus, message: status.message,
                                activity: model.loading.map { "loading model \(($0.path as NSString).lastPathComponent)…" } ?? snapshot.activity,
                                background: model.imageEncoder?.background.state.statusLine,
                                memoryBytes: ResidentMemory.bytes())
        let text = line.text(width: window.size.columns)
        window.put(text + String(repeating: " ", count: max(0, window.size.columns - DisplayWidth.of(text))),
                   row: 0, column: 0, style: style)
    }

    /// The report editor in the transcript's and input's place, the cursor in it.
    func drawReport(_ window: Window) {
        let drafting = report.isGenerating
        var heading = "Report"
        if drafting { heading += " · drafting… Esc cancels" } else if report.unsaved { heading += " · unsaved · Ctrl-S saves" }
        if let status = report.reviewer.signOffStatus, let name = report.reviewer.name {
            heading += " · signed off (\(status.rawValue)) by \(name)"
        } else if !drafting && !report.buffer.text.isEmpty {
            heading += " · Ctrl-P signoff signs"
        }
        heading += " · Ctrl-G draft · Esc chat"
        frame(window, heading, pane: .report)
        let (rows, columns) = window.size
        let height = max(1, rows - 3)
        let width = max(1, columns - 2)
        report.buffer.wrapWidth = width
        let layout = report.buffer.layout(width: width)
        report.top = TextEditorBuffer.scrollTop(cursorRow: layout.cursorRow, height: height, top: report.top)
        for (index, text) in layout.rows.dropFirst(report.top).prefix(height).enumerated() {
            let heading = text.hasPrefix("#") || text.hasPrefix("**")
            window.put(text, row: 1 + index, column: 1, style: screen.colors[heading ? .reportHeading : .text])
        }
        window.put(DisplayWidth.prefix(Disclaimer.text, fittingIn: width), row: rows - 2, column: 1, style: screen.colors[.disclaimer])
        window.moveCursor(row: 1 + layout.cursorRow - report.top, column: 1 + layout.cursorColumn)
    }
}
