import Foundation
import MedImaging
import Workstation

/// What each action does in the workstation (from a key, the palette or the `:` line).
extension WorkstationApp {
    /// Runs an action from a key, the palette or the `:` line (with its checked argument).
    func perform(_ action: Action, key: Key? = nil, argument: CommandArgument? = nil) {
        if action != .cancel { quitGuard.otherKey() }
        let generating = session.snapshot().isGenerating || report.isGenerating
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
                let images = attachmentForNextMessage()
                try session.send(editor.text, images: images)
                _ = editor.submit()
                transcript.perform(.scrollToBottom)
                if let image = images.first { message = "image sent: \((image.source as NSString).lastPathComponent)" }
            } catch {
                message = error.description
            }
        case .newline:
            if focus == .input { editor.insertNewline() }
        case .regenerate:
            do { try session.regenerate() } catch { message = error.description }
        case .clear:
            do {
                try session.clear()
                prepareChat()
            } catch {
                message = error.description
            }
        case .newChat:
            startNewChat()
            prepareChat()
            message = "new chat"
        case .focusNext: focus = focus.cycled(by: 1, reportOpen: report.isOpen)
        case .focusPrevious: focus = focus.cycled(by: -1, reportOpen: report.isOpen)
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
             .nextImage, .previousImage, .modelView, .equalize, .windowNarrower, .windowWider, .levelDown, .levelUp:
            message = viewer.perform(action)
        case .attachImage:
            toggleAttachment()
        case .redraw:
            invalidate(.screen)
        case .suspend:
            autosaveReport(force: true)  // a stopped process may never be continued
            if !terminal.suspend() { message = "cannot suspend: this shell has no job control" }
            invalidate(.screen)
        case .exportTranscript:
            if case .path(let path)? = argument { exportTranscript(to: path) } else { exportTranscript() }
        case .commandLine:
            overlay = .commandLine(commandEditor)
        case .setTemperature:
            guard case .number(let value)? = argument else { return openCommandLine(for: action) }
            session.settings.sampling.temperature = Float(value)
            message = value == 0 ? "temperature 0: greedy, the same reply every time" : "temperature \(value)"
        case .setMaxTokens:
            guard case .integer(let value)? = argument else { return openCommandLine(for: action) }
            session.settings.maxTokens = value
            message = "replies stop after \(value) tokens"
        case .setSystemPrompt:
            guard case .text(let text)? = argument else { return openCommandLine(for: action) }
            session.settings.system = text
            prepareChat()
            message = "system prompt set for the next reply" + (study == nil ? "" : " (it replaces the case context)")
        case .switchModel:
            guard case .path(let path)? = argument else { return openCommandLine(for: action) }
            switchModel(to: path)
        case .loadImage:
            guard case .path(let path)? = argument else { return openCommandLine(for: action) }
            loadImage(path)
        case .copyReply:
            if let reply = session.snapshot().entries.last(where: { $0.role == .model && !$0.text.isEmpty }) {
                terminal.writeRaw(ClipboardCopy.sequence(for: reply.text))
                message = "last reply copied (\(reply.text.count) characters)"
            } else {
                message = "no reply to copy yet"
            }
        case .cycleTheme:
            switchTheme(to: themes.next(after: theme.name))
        case .theme:
            guard case .name(let name)? = argument else { return openCommandLine(for: action) }
            switchTheme(to: name)
        case .openReport: toggleReport()
        case .draftReport: draftReport()
        case .saveReport: saveReport()
        case .undo: undoReport()
        }
    }

    /// Loads and applies a theme; one that fails keeps the current one and says why.
    func switchTheme(to name: String) {
        do {
            theme = try themes.load(name)
            colors.apply(theme)
            invalidate(.screen)
            message = "theme \(theme.name)" + (colors.mode == .monochrome ? " (no colours: NO_COLOR or a monochrome terminal)" : "")
        } catch {
            message = error.shortDescription
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
            let command = try CommandLineParser(homeDirectory: ProcessInfo.processInfo.environment["HOME"]).parse(line)
            perform(command.action, argument: command.argument)
        } catch {
            message = error.description
        }
    }

    // MARK: - Images for the model

    /// The shown image as the model would get it, when it should go with the next
    /// message: attaching is on, the backend takes images, and this picture (same pixels,
    /// same window) has not been sent in this chat yet — the conversation still holds it.
    func attachmentForNextMessage() -> [ImageAttachment] {
        guard attachImages, backend.acceptsImages, let attachment = currentAttachment() else { return [] }
        let sent = session.snapshot().entries.contains { $0.images.contains(attachment) }
        return sent ? [] : [attachment]
    }

    /// The picture the image pane shows, windowed as shown (display filters such as
    /// invert and equalisation are for the reader only).
    /// Cached per image and window: making one hashes every pixel.
    func currentAttachment() -> ImageAttachment? {
        guard let image = viewer.image, viewer.images.indices.contains(viewer.index) else { return nil }
        let view = viewer.view
        let source = viewer.images[viewer.index].path
        let key = "\(viewer.index)|\(source)|\(String(describing: view.window))|\(view.frame)"
        if let cached = attachmentCache, cached.key == key { return cached.attachment }
        guard let attachment = ModelPicture.attachment(image, window: view.window, frame: view.frame, source: source) else { return nil }
        attachmentCache = (key, attachment)
        return attachment
    }

    func toggleAttachment() {
        guard backend.acceptsImages else {
            message = "\(backend.displayName) takes text only: start with --mmproj FILE to show it images"
            return
        }
        attachImages.toggle()
        message = attachImages ? "the shown image goes with your next message" : "messages are sent without the image"
    }

    /// `:load FILE`: shows an image file from anywhere (PNG, JPEG, DICOM) after the study's.
    func loadImage(_ path: String) {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue, attributes?[.type] as? FileAttributeType == .typeRegular else {
            message = "\(TerminalSanitizer.singleLine.sanitize(path)): no such file"
            return
        }
        let item = StudyImage(image: CaseImage(file: url.lastPathComponent, modality: "image", view: "",
                                               description: "loaded from \(path)"),
                              path: path, url: url, status: .present(bytes: size))
        viewer.append(item)
        message = viewer.loadError ?? "showing \(TerminalSanitizer.singleLine.sanitize(url.lastPathComponent))"
    }

    /// `:model FILE`: loads another model in the background; the chat moves to it when it
    /// is ready (the transcript stays; the next reply re-reads it with the new model).
    func switchModel(to path: String) {
        guard let loadBackend else {
            message = "\(Action.switchModel.title): \(Self.notAvailable) with this backend"
            return
        }
        guard modelLoad == nil else {
            message = "a model is already loading"
            return
        }
        let load = ModelLoad(path: path)
        modelLoad = load
        DispatchQueue.global(qos: .userInitiated).async {
            load.finish(Result { try loadBackend(path) })
        }
    }

    /// Called every loop turn: adopts a model that finished loading.
    func adoptLoadedModel() {
        guard let load = modelLoad, let result = load.result else { return }
        modelLoad = nil
        invalidate(.frame)
        switch result {
        case .success(let newBackend):
            let entries = session.snapshot().entries
            let settings = session.settings
            session.cancel()
            session.waitUntilIdle()
            report.session?.cancel()
            report.session?.waitUntilIdle()
            // The old backend's image encoder is let go as it was found.
            if backgroundPaused { imageEncoder?.background.resume() }
            backgroundPaused = false
            backend = newBackend
            reportBackend = (newBackend as? LocalEngineBackend)?.sibling() ?? newBackend
            report.session = nil
            session = ChatSession(backend: newBackend, settings: settings)
            try? session.restore(entries)
            prepareChat()
            lastRevision = -1
            message = "now using \(newBackend.displayName)"
        case .failure(let error):
            // Errors from the model's reader already name the file.
            let text = "\(error)"
            message = TerminalSanitizer.singleLine.sanitize(text.hasPrefix(load.path) ? text : "\(load.path): \(text)")
        }
    }

    /// Saves the chat as Markdown (with the research-draft note) under the XDG data folder,
    /// atomically and private to the user; the status bar says where.
    func exportTranscript(to chosen: String? = nil) {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withFullDate, .withTime, .withDashSeparatorInDate])
        let name = (study?.folderName ?? "chat") + "-" + stamp + ".md"
        let path = chosen ?? (AppDirectories().transcripts + "/" + name)
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
            report.session?.cancel()
            message = "cancelling…"
        case .armed(let hint): message = hint
        case .confirm(let question): overlay = .confirmQuit(question)
        case .quit: running = false
        case .none: break
        }
    }
}
