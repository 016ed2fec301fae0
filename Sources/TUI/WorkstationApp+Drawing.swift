import Foundation
import Workstation

/// Laying out the screen and drawing a frame: the panes, then any overlay, then the
/// picture written straight to the terminal; ncurses sends only the cells that changed.
extension WorkstationApp {
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
}
