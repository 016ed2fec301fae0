import Foundation
import Workstation

/// What each action does in the workstation (from a key, the palette or the `:` line).
extension WorkstationApp {
    /// Runs an action from a key or the palette.
    func perform(_ action: Action, key: Key? = nil) {
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
    func exportTranscript() {
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

    func apply(_ outcome: QuitGuard.Outcome) {
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
}
