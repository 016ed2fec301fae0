import Foundation
import Workstation

/// Laying out and drawing the panes; ncurses sends only the cells that changed.
extension WorkstationApp {
    // MARK: - Drawing

    /// Writes the sixel when it is new, was covered, or has not been written for a while.
    func drawSixel(_ text: String, row: Int, column: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        let covered = screen.redraw.take(.image)
        if let last = imagePane.lastSixel, !covered, last.text == text, last.row == row, last.column == column,
           now - last.at < 3_000_000_000 { return }
        terminal.drawRaw(lines: [text], row: row, column: column)
        imagePane.lastSixel = (text, row, column, now)
    }

    /// Recomputes the layout for the current size and input height; windows are made again.
    /// A new terminal size also repaints every cell (the terminal may have reflowed them).
    func relayout() {
        invalidate(.image)
        let (rows, columns) = terminal.size
        if rows != screen.laidOutSize.rows || columns != screen.laidOutSize.columns { invalidate(.allCells) }
        let inputLines = chatPane.editor.layout(width: max(1, (columns >= PaneLayout.wideColumns ? columns - max(36, columns * 34 / 100) : columns) - 2)).rows.count
        screen.laidOutSize = (rows, columns, inputLines)
        screen.layout = PaneLayout.compute(rows: rows, columns: columns, inputLines: inputLines)
        screen.windows = []
        terminal.screen.erase()
        terminal.screen.stage()
        if let layout = screen.layout {
            chatPane.transcript.resize(width: max(1, layout.transcript.columns - 2), height: max(1, layout.transcript.rows - 2))
        }
    }

    /// Draws every pane from the current state, answering the pending redraw requests.
    func draw() {
        _ = screen.redraw.take(.frame)
        let (rows, columns) = terminal.size
        let inputWidth = max(1, (screen.layout?.input.columns ?? columns) - 2)
        let inputLines = chatPane.editor.layout(width: inputWidth).rows.count
        if rows != screen.laidOutSize.rows || columns != screen.laidOutSize.columns || inputLines != screen.laidOutSize.inputLines {
            relayout()
        }
        syncTranscript()
        if screen.redraw.take(.allCells) {
            // Every cell is sent again, whatever ncurses believes the terminal shows.
            terminal.repaintEverythingAtNextUpdate()
        }
        guard let layout = screen.layout else {
            let whole = terminal.screen
            whole.erase()
            let text = DisplayWidth.prefix(Self.enlargeMessage, fittingIn: columns)
            whole.put(text, row: rows / 2, column: max(0, (columns - DisplayWidth.of(text)) / 2), style: screen.colors[.warning])
            terminal.setCursorVisible(false)
            whole.refresh()
            return
        }
        guard let caseWindow = window(layout.casePane), let imageWindow = window(layout.imagePane),
              let transcriptWindow = window(layout.transcript), let inputWindow = window(layout.input),
              let statusWindow = window(layout.statusBar) else { return }
        screen.windows = [caseWindow, imageWindow, transcriptWindow, inputWindow, statusWindow]

        drawCase(caseWindow)
        let rawImage = drawImage(imageWindow)
        if case .sixel = imagePane.style, let rawImage, let last = imagePane.lastSixel,
           last.text != rawImage.preview.lines[0] || last.row != rawImage.row || last.column != rawImage.column {
            // ncurses believes the pane is blank; repainting it clears the old picture.
            imageWindow.invalidate()
            invalidate(.image)
        }
        var cursor = false
        if report.isOpen {
            // The report takes the transcript's and the input's place.
            let top = layout.transcript
            let bottom = layout.input.row + layout.input.rows
            guard let reportWindow = terminal.makeWindow(rows: bottom - top.row, columns: top.columns,
                                                       row: top.row, column: top.column) else { return }
            screen.windows.append(reportWindow)
            drawReport(reportWindow)
            drawStatus(statusWindow)
            for window in [caseWindow, imageWindow, statusWindow, reportWindow] { window.stage() }
            cursor = focus == .report
        } else {
            drawTranscript(transcriptWindow)
            drawStatus(statusWindow)
            cursor = drawInput(inputWindow) && focus == .input
            for window in [caseWindow, imageWindow, transcriptWindow, statusWindow, inputWindow] { window.stage() }
        }

        var overlayWindow: Window?
        if overlay.isOpen {
            overlayWindow = drawOverlay(rows: rows, columns: columns)
            overlayWindow?.invalidate()  // it may lie over the image, which ncurses takes for blanks
            overlayWindow?.stage()
        }
        var typingCommand = false
        if case .commandLine = overlay { typingCommand = true }
        terminal.setCursorVisible(typingCommand || (!overlay.isOpen && cursor))
        terminal.update()
        // Always written again: ncurses may have scrolled these rows (its scroll
        // optimisation moves whole screen lines) or painted over them; identical bytes
        // over identical cells do not flicker.
        if overlay.isOpen {
            invalidate(.image)
        } else if let rawImage {
            if case .sixel = imagePane.style {
                drawSixel(rawImage.preview.lines[0], row: rawImage.row, column: rawImage.column)
            } else {
                terminal.drawRaw(lines: rawImage.preview.lines, row: rawImage.row, column: rawImage.column)
            }
        }
    }

    func window(_ rect: PaneLayout.Rect) -> Window? {
        terminal.makeWindow(rows: rect.rows, columns: rect.columns, row: rect.row, column: rect.column)
    }

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
        let areaRows = rows - 2, areaColumns = columns - 2
        guard areaRows > 0, areaColumns > 0, let rect = screen.layout?.imagePane else { return nil }
        guard let preview = imagePane.viewer.preview(columns: areaColumns, rows: areaRows, style: imagePane.style) else {
            let text = TerminalSanitizer.singleLine.sanitize(imagePane.viewer.loadError ?? "no image")
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

    func syncTranscript() {
        let snapshot = chatPane.session.snapshot()
        guard snapshot.revision != chatPane.shownRevision else { return }
        chatPane.shownRevision = snapshot.revision
        let entries = Self.entries(for: snapshot, caseTitle: casePane.study.map { TerminalSanitizer.singleLine.sanitize($0.title) })
        TranscriptSync.apply(shown: chatPane.shownEntries, new: entries, to: &chatPane.transcript)
        chatPane.shownEntries = entries
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
}
