import Foundation
import MedImaging
import TerminalGraphics
import Workstation

/// The full-screen workstation: case, image, transcript, input and status bar, driven
/// by `Keymap.standard` and redrawn as the model streams.
///
/// One thread: the loop polls for a key with a short timeout (`pollMilliseconds`), and
/// between keys compares the chat session's `revision` so streamed tokens are drawn
/// without the UI ever waiting for the engine, which runs on its own queue.
///
/// Every pane is drawn again on each frame; ncurses sends only the cells that changed.
/// The half-block image is written straight to the terminal (`Terminal.drawRaw`) after
/// each frame without an overlay, since ncurses does not know those cells.
public final class WorkstationApp {
    public static let enlargeMessage = "Enlarge the terminal (needs at least \(PaneLayout.minimum.columns)×\(PaneLayout.minimum.rows))"
    public static let notAvailable = "not available yet"
    static let pollMilliseconds = 50
    /// While tokens stream (no key pressed), frames come at most this often.
    static let streamingFrameNanoseconds: UInt64 = 100_000_000

    private let backend: InferenceBackend
    private let library: StudyLibrary?
    private let keymap = Keymap.standard
    private let imageStyle: ImagePreview.Style

    private var terminal: Terminal!
    private var session: ChatSession
    private var study: Study?
    private var viewer = ImageViewer()
    private var editor = LineEditor()
    private var transcript = TranscriptView(width: 40, height: 10)
    private var shownEntries: [TranscriptEntry] = []
    private var lastRevision = -1
    private var focus = PaneFocus.input
    private var overlay = WorkstationOverlay.none
    private var quitGuard = QuitGuard()
    private var paste = PasteCollector(startCode: Terminal.pasteStartCode, endCode: Terminal.pasteEndCode)
    private var message: String?
    private var running = true

    private var layout: PaneLayout?
    private var laidOutSize = (rows: 0, columns: 0, inputLines: 0)
    private var windows: [Window] = []

    /// `graphics`: the user's `--graphics` value; without it `MEDGEMMA_GRAPHICS`; `auto`
    /// or neither: detected from the environment. An unknown name throws
    /// `GraphicsModeError` (before the screen is touched).
    /// `startupMessage`: shown in the status bar until the first key (e.g. why the
    /// study folder could not be read).
    public init(backend: InferenceBackend, library: StudyLibrary?, graphics: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, startupMessage: String? = nil) throws {
        self.backend = backend
        self.library = library
        session = ChatSession(backend: backend)
        let chosen = try GraphicsMode.parseOverride(graphics ?? environment["MEDGEMMA_GRAPHICS"])
        let mode = chosen ?? GraphicsMode.automatic(environment: environment, sixelSupported: false)
        var notes: [String] = startupMessage.map { [$0] } ?? []
        switch mode {
        case .ascii: imageStyle = .ascii
        case .blocks: imageStyle = .blocks(ColorDepth.detect(environment: environment))
        case .sixel:
            imageStyle = .blocks(ColorDepth.detect(environment: environment))
            notes.append("sixel is not available yet in the image pane; using half-blocks")
        }
        message = notes.isEmpty ? nil : notes.joined(separator: " · ")
        if let first = library?.studies.first(where: \.isUsable) { open(first, announce: false) }
    }

    /// Runs until the user quits; restores the terminal on every way out.
    public func run() throws {
        try Terminal.withSession { terminal in
            self.terminal = terminal
            terminal.setRawInput(true)  // Ctrl-C is a key here: cancel, then quit
            terminal.enableInputReporting()
            relayout()
            draw()
            var quickFailures = 0
            var lastFrame: UInt64 = 0
            while running {
                let started = DispatchTime.now().uptimeNanoseconds
                var changed = false
                if let key = terminal.getKey(timeoutMilliseconds: Self.pollMilliseconds) {
                    quickFailures = 0
                    receive(key)
                    changed = true
                } else if DispatchTime.now().uptimeNanoseconds - started < 5_000_000 {
                    // An immediate failure, again and again: the terminal input is gone.
                    quickFailures += 1
                    if quickFailures > 200 { running = false }
                }
                let now = DispatchTime.now().uptimeNanoseconds
                if session.snapshot().revision != lastRevision, now - lastFrame >= Self.streamingFrameNanoseconds {
                    changed = true
                }
                if changed && running {
                    draw()
                    lastFrame = now
                }
            }
            self.terminal = nil
        }
    }

    // MARK: - Keys

    /// A raw key: bracketed paste collected, Esc + key combined into Alt chords.
    private func receive(_ raw: Key) {
        guard let key = paste.process(raw) else { return }
        if key == .escape, !paste.isCollecting, let next = terminal.getKey(timeoutMilliseconds: 0) {
            if let chord = Key.alt(after: next) { return handle(chord) }
            handle(.escape)
            return receive(next)
        }
        handle(key)
    }

    private func handle(_ key: Key) {
        switch key {
        case .resize:
            relayout()
            return
        case .endOfInput:
            running = false
            return
        default: break
        }
        message = nil
        if overlay.isOpen { return handleOverlay(key) }
        if focus == .input {
            if let action = editor.handle(key, keymap: keymap) {
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
                editor.handle(key, keymap: keymap)
            } else if case .paste = key {
                focus = .input
                editor.handle(key, keymap: keymap)
            }
        }
    }

    /// Runs an action from a key or the palette.
    private func perform(_ action: Action, key: Key? = nil) {
        if action != .cancel { quitGuard.otherKey() }
        let generating = session.snapshot().isGenerating
        switch action {
        case .cancel:
            let outcome = key == .control("c")
                ? quitGuard.interrupt(isGenerating: generating, hasDraft: !editor.isEmpty)
                : quitGuard.escape(isGenerating: generating)
            apply(outcome)
        case .quit:
            apply(quitGuard.quit(hasDraft: !editor.isEmpty))
        case .send:
            do {
                try session.send(editor.text)
                _ = editor.submit()
                transcript.perform(.scrollToBottom)
            } catch {
                message = error.description
            }
        case .newline:
            if focus == .input { editor.insertNewline() }
        case .regenerate:
            do { try session.regenerate() } catch { message = error.description }
        case .clear:
            do { try session.clear() } catch { message = error.description }
        case .newChat:
            startNewChat()
            message = "new chat"
        case .focusNext: focus = focus.next
        case .focusPrevious: focus = focus.previous
        case .help: overlay = .help(top: 0)
        case .palette: overlay = .palette(CommandPalette(keymap: keymap))
        case .openStudies:
            if let library {
                overlay = .studies(StudyBrowser(library: library))
            } else {
                message = "no study folder could be read (start with --samples DIR or --study DIR)"
            }
        case .scrollUp, .scrollDown, .scrollLineUp, .scrollLineDown, .scrollToTop, .scrollToBottom:
            transcript.perform(action)
        case .zoomIn, .zoomOut, .panLeft, .panRight, .panUp, .panDown, .windowPreset, .invert, .resetView,
             .nextImage, .previousImage, .modelView:
            message = viewer.perform(action)
        case .exportTranscript:
            exportTranscript()
        case .copyReply:
            if let reply = session.snapshot().entries.last(where: { $0.role == .model && !$0.text.isEmpty }) {
                terminal.writeRaw(ClipboardCopy.sequence(for: reply.text))
                message = "last reply copied (\(reply.text.count) characters)"
            } else {
                message = "no reply to copy yet"
            }
        case .equalize, .setTemperature, .setMaxTokens,
             .setSystemPrompt, .switchModel, .commandLine, .openReport, .saveReport, .loadImage, .theme,
             .cycleTheme:
            message = "\(action.title): \(Self.notAvailable)"
        }
    }

    /// Saves the chat as Markdown (with the research-draft note) under the XDG data folder,
    /// atomically and private to the user; the status bar says where.
    private func exportTranscript() {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withFullDate, .withTime, .withDashSeparatorInDate])
        let name = (study?.folderName ?? "chat") + "-" + stamp + ".md"
        let path = AppDirectories().transcripts + "/" + name
        do {
            try AtomicFile.write(session.exportMarkdown(title: study?.title ?? "MedGemma chat"), to: path)
            message = "transcript saved to \(path)"
        } catch {
            message = error.description
        }
    }

    private func apply(_ outcome: QuitGuard.Outcome) {
        switch outcome {
        case .cancelGeneration:
            session.cancel()
            message = "cancelling…"
        case .armed(let hint): message = hint
        case .confirm(let question): overlay = .confirmQuit(question)
        case .quit: running = false
        case .none: break
        }
    }

    private func handleOverlay(_ key: Key) {
        switch overlay {
        case .none: return
        case .help(let top):
            switch key {
            case .up, .down, .pageUp, .pageDown, .wheelUp, .wheelDown:
                let step = key == .pageUp || key == .pageDown ? 10 : 1
                let up = key == .up || key == .pageUp || key == .wheelUp
                overlay = .help(top: max(0, top + (up ? -step : step)))
            default:
                closeOverlay()
            }
        case .confirmQuit:
            if key == .character("y") || key == .character("Y") {
                running = false
            } else {
                closeOverlay()
            }
        case .palette(var palette):
            switch key {
            case .escape, .control("c"), .control("p"): closeOverlay()
            case .up: palette.selectPrevious(); overlay = .palette(palette)
            case .down, .tab: palette.selectNext(); overlay = .palette(palette)
            case .backspace:
                if !palette.query.isEmpty { palette.query.removeLast() }
                overlay = .palette(palette)
            case .character(let character):
                palette.query.append(character)
                overlay = .palette(palette)
            case .enter:
                closeOverlay()
                guard let entry = palette.selected else { return }
                // Actions whose argument may be left out (export to the default place) run
                // from the palette; the others need the `:` command line, not built yet.
                if let argument = entry.action.argument, !argument.isOptional {
                    message = "\(entry.title): \(Self.notAvailable)"
                } else {
                    perform(entry.action)
                }
            default: break
            }
        case .studies(var browser):
            switch key {
            case .escape, .control("c"): closeOverlay()
            case .up: browser.selectPrevious(); overlay = .studies(browser)
            case .down, .tab: browser.selectNext(); overlay = .studies(browser)
            case .backspace:
                if !browser.query.isEmpty { browser.query.removeLast() }
                overlay = .studies(browser)
            case .character(let character):
                browser.query.append(character)
                overlay = .studies(browser)
            case .enter:
                guard let chosen = browser.selected else { return }
                guard chosen.isUsable else {
                    message = "cannot open: " + (chosen.problems.first ?? "no image")
                    return
                }
                closeOverlay()
                open(chosen, announce: true)
            default: break
            }
        }
    }

    private func closeOverlay() {
        overlay = .none
    }

    // MARK: - Studies and chats

    /// Shows a study and starts a new conversation about it.
    private func open(_ chosen: Study, announce: Bool) {
        study = chosen
        viewer.open(chosen.images)
        startNewChat()
        if announce { message = "opened " + TerminalSanitizer.singleLine.sanitize(chosen.title) }
    }

    /// A fresh `ChatSession` whose system instruction is the open case's context. A
    /// running reply is cancelled first: the backend serves one request at a time.
    private func startNewChat() {
        session.cancel()
        session.waitUntilIdle()
        session = ChatSession(backend: backend, settings: GenerationSettings(system: study?.context?.systemInstruction))
        lastRevision = -1
        transcript.perform(.scrollToBottom)
    }

    /// The transcript as the pane shows it: the research-draft note first, then the
    /// conversation. A reply still streaming is not marked incomplete.
    static func entries(for snapshot: ChatSession.Snapshot, caseTitle: String?) -> [TranscriptEntry] {
        var entries = [TranscriptEntry(role: .note, text: Disclaimer.text)]
        if let caseTitle { entries.append(TranscriptEntry(role: .note, text: "Case: \(caseTitle). The case text is the model's context.")) }
        for (index, entry) in snapshot.entries.enumerated() {
            let streaming = snapshot.isGenerating && index == snapshot.entries.count - 1
            let role: TranscriptRole
            switch entry.role {
            case .user: role = .user
            case .model: role = .model
            case .note: role = .note
            }
            entries.append(TranscriptEntry(role: role, text: entry.text, timing: entry.timing,
                                           isIncomplete: entry.role == .model && !entry.isComplete && !streaming))
        }
        return entries
    }

    // MARK: - Drawing

    /// Recomputes the layout for the current size and input height; windows are made again.
    private func relayout() {
        let (rows, columns) = terminal.size
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

    private func draw() {
        let (rows, columns) = terminal.size
        let inputWidth = max(1, (layout?.input.columns ?? columns) - 2)
        let inputLines = editor.layout(width: inputWidth).rows.count
        if rows != laidOutSize.rows || columns != laidOutSize.columns || inputLines != laidOutSize.inputLines {
            relayout()
        }
        syncTranscript()
        guard let layout else {
            let screen = terminal.screen
            screen.erase()
            let text = DisplayWidth.prefix(Self.enlargeMessage, fittingIn: columns)
            screen.put(text, row: rows / 2, column: max(0, (columns - DisplayWidth.of(text)) / 2), attributes: .bold)
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
        drawTranscript(transcriptPane)
        drawStatus(statusPane)
        let cursor = drawInput(inputPane)
        for window in [casePane, imagePane, transcriptPane, statusPane, inputPane] { window.stage() }

        var overlayWindow: Window?
        if overlay.isOpen {
            overlayWindow = drawOverlay(rows: rows, columns: columns)
            overlayWindow?.invalidate()  // it may lie over the image, which ncurses takes for blanks
            overlayWindow?.stage()
        }
        terminal.setCursorVisible(focus == .input && !overlay.isOpen && cursor)
        terminal.update()
        // Always written again: ncurses may have scrolled these rows (its scroll
        // optimisation moves whole screen lines) or painted over them; identical bytes
        // over identical cells do not flicker.
        if !overlay.isOpen {
            if let rawImage {
                terminal.drawRaw(lines: rawImage.preview.lines, row: rawImage.row, column: rawImage.column)
            }
        }
    }

    private func window(_ rect: PaneLayout.Rect) -> Window? {
        terminal.makeWindow(rows: rect.rows, columns: rect.columns, row: rect.row, column: rect.column)
    }

    private func title(_ text: String, pane: PaneFocus) -> String {
        focus == pane ? "● " + text : text
    }

    private func drawCase(_ window: Window) {
        window.erase()
        window.drawBox(title: title("Case", pane: .casePane))
        let (rows, columns) = window.size
        let lines = CasePaneText.rows(study: study, currentImage: viewer.index, width: columns - 4)
        for (index, line) in lines.prefix(max(0, rows - 2)).enumerated() {
            window.put(line, row: index + 1, column: 2, limit: columns - 4)
        }
    }

    /// Draws the image pane's frame (and ASCII images); returns the half-block rows to
    /// write straight to the terminal after the update, with their screen position.
    private func drawImage(_ window: Window) -> (preview: ImagePreview, row: Int, column: Int)? {
        window.erase()
        let (rows, columns) = window.size
        // drawBox keeps columns - 6 of a title; the focus mark takes 2.
        window.drawBox(title: title(viewer.title(fitting: columns - 8), pane: .image))
        let areaRows = rows - 2, areaColumns = columns - 2
        guard areaRows > 0, areaColumns > 0, let rect = layout?.imagePane else { return nil }
        guard let preview = viewer.preview(columns: areaColumns, rows: areaRows, style: imageStyle) else {
            let text = TerminalSanitizer.singleLine.sanitize(viewer.loadError ?? "no image")
            for (index, line) in TextWrapper.wrap([StyledSpan(text, .note)], width: areaColumns - 2)
                .prefix(areaRows).enumerated() {
                window.put(line, row: 1 + index, column: 2)
            }
            return nil
        }
        if !preview.isRaw {
            for (index, line) in preview.lines.enumerated() {
                window.put(line, row: 1 + preview.rowOffset + index, column: 1 + preview.columnOffset)
            }
            return nil
        }
        return (preview, rect.row + 1 + preview.rowOffset, rect.column + 1 + preview.columnOffset)
    }

    private func syncTranscript() {
        let snapshot = session.snapshot()
        guard snapshot.revision != lastRevision else { return }
        lastRevision = snapshot.revision
        let entries = Self.entries(for: snapshot, caseTitle: study.map { TerminalSanitizer.singleLine.sanitize($0.title) })
        TranscriptSync.apply(shown: shownEntries, new: entries, to: &transcript)
        shownEntries = entries
    }

    private func drawTranscript(_ window: Window) {
        window.erase()
        var heading = "Transcript"
        if let indicator = transcript.viewport.newLinesIndicator { heading += " · " + indicator + " (End)" }
        window.drawBox(title: title(heading, pane: .transcript))
        let columns = window.size.columns
        for (index, line) in transcript.visibleLines.enumerated() {
            window.put(line.spans, row: 1 + index, column: 1, limit: columns - 2)
        }
    }

    /// Returns whether the cursor was placed inside the box.
    private func drawInput(_ window: Window) -> Bool {
        window.erase()
        window.drawBox(title: title("Message · Enter send · Alt-Enter newline", pane: .input))
        let (rows, columns) = window.size
        let visible = max(1, rows - 2)
        let layout = editor.layout(width: max(1, columns - 2))
        let first = max(0, min(layout.cursorRow - visible + 1, layout.rows.count - visible))
        if editor.isEmpty && focus != .input {
            window.put("Tab to type a question about the case", row: 1, column: 1, attributes: .dim)
        }
        for (index, text) in layout.rows.dropFirst(first).prefix(visible).enumerated() {
            window.put(text, row: 1 + index, column: 1)
        }
        window.moveCursor(row: 1 + layout.cursorRow - first, column: 1 + layout.cursorColumn)
        return true
    }

    private func drawStatus(_ window: Window) {
        window.erase()
        let snapshot = session.snapshot()
        let status = StatusLine(backendName: backend.displayName, isGenerating: snapshot.isGenerating,
                                tokensPerSecond: snapshot.liveTokensPerSecond, contextUsed: snapshot.contextUsed,
                                contextSize: snapshot.contextSize, focus: focus, message: message)
        let text = status.text(width: window.size.columns)
        window.put(text + String(repeating: " ", count: max(0, window.size.columns - DisplayWidth.of(text))),
                   row: 0, column: 0, attributes: .reverse)
    }

    // MARK: - Overlays

    private func drawOverlay(rows: Int, columns: Int) -> Window? {
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
            var list: [[StyledSpan]] = [[StyledSpan("> " + palette.query, .bold)], []]
            for (index, entry) in palette.results.enumerated() {
                let style: SpanStyle = index == palette.selectedIndex ? .code : []
                let key = entry.keyLabel.isEmpty ? "" : "  [" + entry.keyLabel + "]"
                list.append([StyledSpan(entry.title + "  ·  " + entry.name + key, style)])
            }
            return box(title: "Command palette · type to filter · Enter runs · Esc closes", rows: list,
                       width: 70, height: min(rows - 2, 24), screenRows: rows, screenColumns: columns,
                       selected: palette.selectedIndex + 2)
        case .studies(let browser):
            var list: [[StyledSpan]] = [[StyledSpan("> " + browser.query, .bold)], []]
            if browser.results.isEmpty { list.append([StyledSpan("no study matches", .note)]) }
            for (index, study) in browser.results.enumerated() {
                let style: SpanStyle = index == browser.selectedIndex ? .code : (study.isUsable ? [] : .warning)
                list.append([StyledSpan(StudyBrowser.row(study), style)])
            }
            return box(title: "Studies · type to filter · Enter opens · Esc closes", rows: list,
                       width: 96, height: min(rows - 2, list.count + 2), screenRows: rows, screenColumns: columns,
                       selected: browser.selectedIndex + 2)
        case .confirmQuit(let question):
            return box(title: "Quit", rows: [[StyledSpan(question, .bold)]], width: DisplayWidth.of(question) + 6,
                       height: 3, screenRows: rows, screenColumns: columns)
        }
    }

    /// A centred bordered window holding `rows`; when `selected` would be below the
    /// box, the list scrolls so it stays visible (the first two rows stay put).
    private func box(title: String, rows: [[StyledSpan]], width: Int, height: Int, screenRows: Int,
                     screenColumns: Int, selected: Int? = nil) -> Window? {
        let width = min(screenColumns - 2, max(width, DisplayWidth.of(title) + 8))
        let height = max(3, min(screenRows - 2, height))
        guard width > 4, let window = terminal.makeWindow(rows: height, columns: width, row: (screenRows - height) / 2,
                                                           column: (screenColumns - width) / 2) else { return nil }
        window.erase()
        window.drawBox(title: title)
        let inner = height - 2
        var shown = rows
        if let selected, selected >= inner, rows.count > 2 {
            let skip = selected - inner + 1
            shown = Array(rows.prefix(2)) + Array(rows.dropFirst(2 + skip))
        }
        for (index, row) in shown.prefix(inner).enumerated() {
            window.put(row, row: 1 + index, column: 2, limit: width - 4)
        }
        windows.append(window)
        return window
    }
}
