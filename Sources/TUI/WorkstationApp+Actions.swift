import Foundation
import MedImaging
import Support
import Workstation

/// What each action does in the workstation (from a key, the palette or the `:` line).
extension WorkstationApp {
    /// Runs an action from a key, the palette or the `:` line (with its checked argument).
    func perform(_ action: Action, key: Key? = nil, argument: CommandArgument? = nil) {
        if action != .cancel { quitGuard.otherKey() }
        let generating = chatPane.session.snapshot().isGenerating || report.isGenerating
        switch action {
        case .cancel where model.pulling != nil && !generating:
            model.pulling?.cancel()
            status.message = "stopping the download (what arrived is kept)…"
        case .cancel:
            let outcome = key == .control("c")
                ? quitGuard.interrupt(isGenerating: generating, hasDraft: !chatPane.editor.isEmpty)
                : quitGuard.escape(isGenerating: generating)
            apply(outcome)
        case .quit:
            apply(quitGuard.quit(hasDraft: !chatPane.editor.isEmpty))
        case .send:
            do {
                let images = attachmentForNextMessage()
                try chatPane.session.send(chatPane.editor.text, images: images)
                _ = chatPane.editor.submit()
                chatPane.transcript.perform(.scrollToBottom)
                if let image = images.first { status.message = "image sent: \((image.source as NSString).lastPathComponent)" }
            } catch {
                status.message = error.description
            }
        case .newline:
            if focus == .input { chatPane.editor.insertNewline() }
        case .regenerate:
            do { try chatPane.session.regenerate() } catch { status.message = error.description }
        case .clear:
            do {
                try chatPane.session.clear()
                prepareChat()
            } catch {
                status.message = error.description
            }
        case .newChat:
            startNewChat()
            prepareChat()
            status.message = "new chat"
        case .focusNext: focus = focus.cycled(by: 1, reportOpen: report.isOpen)
        case .focusPrevious: focus = focus.cycled(by: -1, reportOpen: report.isOpen)
        case .help: overlay = .help(top: 0)
        case .palette: overlay = .palette(CommandPalette(keymap: keymap))
        case .openStudies:
            if let library = casePane.library {
                overlay = .studies(StudyBrowser(library: library))
            } else {
                status.message = "no study folder could be read (start with --samples DIR or --study DIR)"
            }
        case .scrollUp, .scrollDown, .scrollLineUp, .scrollLineDown, .scrollToTop, .scrollToBottom:
            chatPane.transcript.perform(action)
        case .zoomIn, .zoomOut, .panLeft, .panRight, .panUp, .panDown, .windowPreset, .invert, .resetView,
             .nextImage, .previousImage, .nextSlice, .previousSlice, .modelView, .equalize, .windowNarrower, .windowWider, .levelDown, .levelUp:
            status.message = imagePane.viewer.perform(action)
        case .attachImage:
            toggleAttachment()
        case .comparePrior:
            compareWithPrior()
        case .askSeries:
            offerSeriesQuestion()
        case .redraw:
            invalidate(.screen)
        case .suspend:
            autosaveReport(force: true)  // a stopped process may never be continued
            if !terminal.suspend() { status.message = "cannot suspend: this shell has no job control" }
            invalidate(.screen)
        case .exportTranscript:
            if case .path(let path)? = argument { exportTranscript(to: path) } else { exportTranscript() }
        case .commandLine:
            overlay = .commandLine(commandEditor)
        case .setTemperature:
            guard case .number(let value)? = argument else { return openCommandLine(for: action) }
            chatPane.session.settings.sampling.temperature = Float(value)
            status.message = value == 0 ? "temperature 0: greedy, the same reply every time" : "temperature \(value)"
        case .setMaxTokens:
            guard case .integer(let value)? = argument else { return openCommandLine(for: action) }
            chatPane.session.settings.maxTokens = value
            status.message = "replies stop after \(value) tokens"
        case .setSystemPrompt:
            guard case .text(let text)? = argument else { return openCommandLine(for: action) }
            chatPane.session.settings.system = text
            prepareChat()
            status.message = "system prompt set for the next reply" + (casePane.study == nil ? "" : " (it replaces the case context)")
        case .switchModel:
            guard case .path(let path)? = argument else { return openModelPicker() }
            switchModel(to: path)
        case .lora:
            guard case .text(let text)? = argument else { return openCommandLine(for: action) }
            applyLoRA(text)
        case .loadImage:
            guard case .path(let path)? = argument else { return openCommandLine(for: action) }
            loadImage(path)
        case .copyReply:
            if let reply = chatPane.session.snapshot().entries.last(where: { $0.role == .model && !$0.text.isEmpty }) {
                terminal.writeRaw(ClipboardCopy.sequence(for: reply.text))
                status.message = "last reply copied (\(reply.text.count) characters)"
            } else {
                status.message = "no reply to copy yet"
            }
        case .cycleTheme:
            switchTheme(to: screen.themes.next(after: screen.theme.name))
        case .theme:
            guard case .name(let name)? = argument else { return openCommandLine(for: action) }
            switchTheme(to: name)
        case .openReport: toggleReport()
        case .draftReport: draftReport()
        case .saveReport: saveReport()
        case .signOff:
            guard case .text(let text)? = argument else { return openCommandLine(for: action) }
            signOffReport(text)
        case .undo: undoReport()
        case .redo: undoReport(redo: true)
        }
    }

    /// Loads and applies a theme; one that fails keeps the current one and says why.
    func switchTheme(to name: String) {
        do {
            screen.theme = try screen.themes.load(name)
            screen.colors.apply(screen.theme)
            invalidate(.screen)
            status.message = "theme \(screen.theme.name)" + (screen.colors.mode == .monochrome ? " (no colours: NO_COLOR or a monochrome terminal)" : "")
        } catch {
            status.message = error.shortDescription
        }
    }

    /// Opens the `:` line with the action's name typed, waiting for its argument.
    func openCommandLine(for action: Action) {
        commandEditor.setText(action.name + " ")
        overlay = .commandLine(commandEditor)
    }

    /// Parses and runs what was typed after `:`; a mistake is one line in the status bar.
    func runCommandLine(_ line: String) {
        do {
            let command = try CommandLineParser(homeDirectory: UserDirectories(environment: environment).home).parse(line)
            perform(command.action, argument: command.argument)
        } catch {
            status.message = error.description
        }
    }

    func apply(_ outcome: QuitGuard.Outcome) {
        switch outcome {
        case .cancelGeneration:
            chatPane.session.cancel()
            report.session?.cancel()
            status.message = "cancelling…"
        case .armed(let hint): status.message = hint
        case .confirm(let question): overlay = .confirmQuit(question)
        case .quit: running = false
        case .none: break
        }
    }
}
