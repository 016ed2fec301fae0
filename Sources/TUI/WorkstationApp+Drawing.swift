import Foundation
import Workstation

/// Laying out and drawing the panes; ncurses sends only the cells that changed.
extension WorkstationApp {
    // MARK: - Drawing

    /// Writes the sixel when it is new, was covered, or has not been written for a while.
    func drawSixel(_ text: String, row: Int, column: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        let covered = redraw.take(.image)
        if let last = lastSixel, !covered, last.text == text, last.row == row, last.column == column,
           now - last.at < 3_000_000_000 { return }
        terminal.drawRaw(lines: [text], row: row, column: column)
        lastSixel = (text, row, column, now)
    }

    /// Recomputes the layout for the current size and input height; windows are made again.
    /// A new terminal size also repaints every cell (the terminal may have reflowed them).
    func relayout() {
        invalidate(.image)
        let (rows, columns) = terminal.size
        if rows != laidOutSize.rows || columns != laidOutSize.columns { invalidate(.allCells) }
        let inputLines = editor.layout(width: max(1, (columns >= PaneLayout.wideColumns ? columns - max(36, columns * 34 / 100) : columns) - 2)).rows.count
        laidOutSize = (rows, columns, inputLines)
        layout = PaneLayout.compute(rows: rows, columns: columns, inputLines: inputLines)
        windows = []
        terminal.screen.erase()
        terminal.screen.stage()
        if let layout {
            transcript.resize(width: max(1, layout.transcript.columns - 2), height: max(1, layout.transcript.rows - 2))
        }
    }

    /// Draws every pane from the current state, answering the pending redraw requests.
    func draw() {
        _ = redraw.take(.frame)
        let (rows, columns) = terminal.size
        let inputWidth = max(1, (layout?.input.columns ?? columns) - 2)
        let inputLines = editor.layout(width: inputWidth).rows.count
        if rows != laidOutSize.rows || columns != laidOutSize.columns || inputLines != laidOutSize.inputLines {
            relayout()
        }
        syncTranscript()
        if redraw.take(.allCells) {
            // Every cell is sent again, whatever ncurses believes the terminal shows.
            terminal.repaintEverythingAtNextUpdate()
        }
        guard let layout else {
            let screen = terminal.screen
            screen.erase()
            let text = DisplayWidth.prefix(Self.enlargeMessage, fittingIn: columns)
            screen.put(text, row: rows / 2, column: max(0, (columns - DisplayWidth.of(text)) / 2), style: colors[.warning])
            terminal.setCursorVisible(false)
            screen.refresh()
            return
        }
        guard let casePane = window(layout.casePane), let imagePane = window(layout.imagePane),
              let transcriptPane = window(layout.transcript), let inputPane = window(layout.input),
              let statusPane = window(layout.statusBar) else { return }
        windows = [casePane, imagePane, transcriptPane, inputPane, statusPane]

        drawCase(casePane)
        let rawImage = drawImage(imagePane)
        if case .sixel = imageStyle, let rawImage, let last = lastSixel,
           last.text != rawImage.preview.lines[0] || last.row != rawImage.row || last.column != rawImage.column {
            // ncurses believes the pane is blank; repainting it clears the old picture.
            imagePane.invalidate()
            invalidate(.image)
        }
        var cursor = false
        if report.isOpen {
            // The report takes the transcript's and the input's place.
            let top = layout.transcript
            let bottom = layout.input.row + layout.input.rows
            guard let reportPane = terminal.makeWindow(rows: bottom - top.row, columns: top.columns,
                                                       row: top.row, column: top.column) else { return }
            windows.append(reportPane)
            drawReport(reportPane)
            drawStatus(statusPane)
            for window in [casePane, imagePane, statusPane, reportPane] { window.stage() }
            cursor = focus == .report
        } else {
            drawTranscript(transcriptPane)
            drawStatus(statusPane)
            cursor = drawInput(inputPane) && focus == .input
            for window in [casePane, imagePane, transcriptPane, statusPane, inputPane] { window.stage() }
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
            if case .sixel = imageStyle {
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
        window.setBackground(colors[.text])
        window.erase()
        window.drawBox(title: title(text, pane: pane), style: colors[focus == pane ? .paneBorderFocused : .paneBorder],
                       titleStyle: colors[.paneTitle])
    }

    func drawCase(_ window: Window) {
        frame(window, "Case", pane: .casePane)
        let (rows, columns) = window.size
        let lines = CasePaneText.rows(study: study, currentImage: viewer.index, width: columns - 4)
        for (index, line) in lines.prefix(max(0, rows - 2)).enumerated() {
            window.put(line, row: index + 1, column: 2, limit: columns - 4) { self.colors.style(for: $0) }
        }
    }

    /// Draws the image pane's frame (and ASCII images); returns the half-block rows to
    /// write straight to the terminal after the update, with their screen position.
    func drawImage(_ window: Window) -> (preview: ImagePreview, row: Int, column: Int)? {
        let (rows, columns) = window.size
        // drawBox keeps columns - 6 of a title; the focus mark takes 2.
        frame(window, viewer.title(fitting: columns - 8), pane: .image)
        let areaRows = rows - 2, areaColumns = columns - 2
        guard areaRows > 0, areaColumns > 0, let rect = layout?.imagePane else { return nil }
        guard let preview = viewer.preview(columns: areaColumns, rows: areaRows, style: imageStyle) else {
            let text = TerminalSanitizer.singleLine.sanitize(viewer.loadError ?? "no image")
            for (index, line) in TextWrapper.wrap([StyledSpan(text, .note)], width: areaColumns - 2)
                .prefix(areaRows).enumerated() {
                window.put(line, row: 1 + index, column: 2) { self.colors.style(for: $0) }
            }
            return nil
        }
        if !preview.isRaw {
            for (index, line) in preview.lines.enumerated() {
                window.put(line, row: 1 + preview.rowOffset + index, column: 1 + preview.columnOffset, style: colors[.text])
            }
            return nil
        }
        return (preview, rect.row + 1 + preview.rowOffset, rect.column + 1 + preview.columnOffset)
    }

    func syncTranscript() {
        let snapshot = session.snapshot()
        guard snapshot.revision != lastRevision else { return }
        lastRevision = snapshot.revision
        let entries = Self.entries(for: snapshot, caseTitle: study.map { TerminalSanitizer.singleLine.sanitize($0.title) })
        TranscriptSync.apply(shown: shownEntries, new: entries, to: &transcript)
        shownEntries = entries
    }

    func drawTranscript(_ window: Window) {
        var heading = "Transcript"
        if let indicator = transcript.viewport.newLinesIndicator { heading += " · " + indicator + " (End)" }
        frame(window, heading, pane: .transcript)
        let columns = window.size.columns
        for (index, line) in transcript.visibleLines.enumerated() {
            window.put(line.spans, row: 1 + index, column: 1, limit: columns - 2) { self.colors.style(for: $0) }
        }
    }

    /// Returns whether the cursor was placed inside the box.
    func drawInput(_ window: Window) -> Bool {
        var heading = "Message · Enter send · Alt-Enter newline"
        if backend.acceptsImages, attachImages, viewer.image != nil {
            heading = "Message + image \(viewer.index + 1) (a in image pane: text only) · Enter send"
        }
        frame(window, heading, pane: .input)
        let (rows, columns) = window.size
        let visible = max(1, rows - 2)
        let layout = editor.layout(width: max(1, columns - 2))
        let first = max(0, min(layout.cursorRow - visible + 1, layout.rows.count - visible))
        if editor.isEmpty && focus != .input {
            window.put("Tab to type a question about the case", row: 1, column: 1, style: colors[.timing])
        }
        for (index, text) in layout.rows.dropFirst(first).prefix(visible).enumerated() {
            window.put(text, row: 1 + index, column: 1, style: colors[.inputText])
        }
        window.moveCursor(row: 1 + layout.cursorRow - first, column: 1 + layout.cursorColumn)
        return true
    }

    func drawStatus(_ window: Window) {
        let snapshot = session.snapshot()
        let style = colors[snapshot.isGenerating || modelLoad != nil ? .statusBarBusy : .statusBar]
        window.setBackground(style)
        window.erase()
        let status = StatusLine(backendName: backend.displayName, isGenerating: snapshot.isGenerating,
                                tokensPerSecond: snapshot.liveTokensPerSecond, contextUsed: snapshot.contextUsed,
                                contextSize: snapshot.contextSize, focus: focus, message: message,
                                activity: modelLoad.map { "loading model \(($0.path as NSString).lastPathComponent)…" } ?? snapshot.activity,
                                background: imageEncoder?.background.state.statusLine,
                                memoryBytes: ResidentMemory.bytes())
        let text = status.text(width: window.size.columns)
        window.put(text + String(repeating: " ", count: max(0, window.size.columns - DisplayWidth.of(text))),
                   row: 0, column: 0, style: style)
    }
}
