import Foundation
import Workstation

/// Opening studies and starting conversations about them.
extension WorkstationApp {
    // MARK: - Studies and chats

    /// Shows a study and starts a new conversation about it.
    func open(_ chosen: Study, announce: Bool) {
        autosaveReport(force: true)
        saveTranscriptIfChanged(force: true)
        casePane.study = chosen
        imagePane.viewer.open(chosen.images)
        startNewChat()
        restoreConversation(of: chosen)
        prepareChat()
        report = ReportPane()
        offerRecoveredDraft(for: chosen)
        prefetchImages(of: chosen)
        if announce { status.message = "opened " + TerminalSanitizer.singleLine.sanitize(chosen.title) }
    }

    /// The study's last conversation, saved when it changed; its images are not kept
    /// (their text and the note of which image went with a message are).
    func restoreConversation(of chosen: Study) {
        do {
            guard let restored = try TranscriptStore().restore(forStudyAt: chosen.path), !restored.entries.isEmpty else { return }
            try chatPane.session.restore(restored.entries)
            chatPane.savedRevision = chatPane.session.snapshot().revision
            status.message = "conversation restored (Ctrl-N: new chat)"
        } catch {
            status.message = "\(error)"
        }
    }

    /// Saves the chat with the study after each change once no reply is running (nor the
    /// context being prepared: its progress changes nothing worth saving).
    func saveTranscriptIfChanged(_ current: ChatSession.Snapshot? = nil, force: Bool = false) {
        guard let study = casePane.study else { return }
        let snapshot = current ?? chatPane.session.snapshot()
        guard snapshot.revision != chatPane.savedRevision, !(snapshot.isGenerating || snapshot.isPreparingContext) || force else { return }
        chatPane.savedRevision = snapshot.revision
        if snapshot.entries.isEmpty {
            TranscriptStore().discard(forStudyAt: study.path)
            return
        }
        do {
            try TranscriptStore().save(snapshot.entries, system: chatPane.session.settings.system, forStudyAt: study.path)
        } catch {
            status.message = "\(error)"
        }
    }

    /// Starts encoding the study's images in the background (below anything the user
    /// asks for), so the first question about an image does not wait for the encoder;
    /// the previous study's pending work is dropped. Pictures are prepared off the UI thread.
    func prefetchImages(of chosen: Study) {
        guard let encoder = model.imageEncoder else { return }
        encoder.background.cancelPending()
        let items = chosen.images
        DispatchQueue.global(qos: .utility).async {
            var attachments: [ImageAttachment] = [], labels: [String] = []
            for item in items {
                guard let attachment = ModelPicture.initialAttachment(item) else { continue }
                attachments.append(attachment)
                labels.append(item.image.file)
            }
            encoder.background.prefetch(attachments, labels: labels)
        }
    }

    /// Has the in-process engine prefill the chat's case context (and any restored turns)
    /// now, while the user reads the case, so a question runs only its own tokens; images
    /// wait for it to be done (it is the shorter job, and every question needs it). Called
    /// whenever what the next prompt starts with changes; a server backend does nothing.
    func prepareChat() {
        chatPane.session.prepareContext()
        holdBackgroundEncoding(chatPane.session.snapshot())
    }

    /// Holds background image encoding back while the chat or the report uses the engine
    /// (a reply, or the context being prepared): the user's work comes first. Checked every
    /// loop turn, and at once when such work starts.
    func holdBackgroundEncoding(_ chat: ChatSession.Snapshot) {
        guard let encoder = model.imageEncoder else { return }
        let busy = chat.isGenerating || chat.isPreparingContext || report.isGenerating
        guard busy != model.backgroundPaused else { return }
        busy ? encoder.background.pause() : encoder.background.resume()
        model.backgroundPaused = busy
    }

    /// A fresh `ChatSession` whose system instruction is the open case's context. A
    /// running reply is cancelled first: the backend serves one request at a time (a
    /// preparation running ahead is cancelled without waiting; it stops on its own queue).
    func startNewChat() {
        chatPane.session.cancel()
        chatPane.session.waitUntilIdle()
        chatPane.start(ChatSession(backend: model.backend, settings: GenerationSettings(system: casePane.study?.context?.systemInstruction)))
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
            var text = entry.text
            for image in entry.images {
                text += "\n\n(with image " + TerminalSanitizer.singleLine.sanitize("\(image.source) · \(image.preparation)") + ")"
            }
            entries.append(TranscriptEntry(role: role, text: text, timing: entry.timing,
                                           isIncomplete: entry.role == .model && !entry.isComplete && !streaming))
        }
        return entries
    }
}
