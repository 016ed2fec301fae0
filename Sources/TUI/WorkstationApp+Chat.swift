import Foundation
import Workstation

/// The chat's actions: a new conversation, the study's saved one, the Markdown export,
/// and the transcript pane brought up to date with the session before a frame.
extension WorkstationApp {
    /// A fresh `ChatSession` whose system instruction is the open case's context; the
    /// temperature and token limit the user set stay (a new chat or another study is not a
    /// reason to forget them). A running reply is cancelled first: the backend serves one
    /// request at a time (a preparation running ahead is cancelled without waiting; it stops
    /// on its own queue).
    func startNewChat() {
        chatPane.session.cancel()
        chatPane.session.waitUntilIdle()
        var settings = chatPane.session.settings
        settings.system = casePane.study?.context?.systemInstruction
        chatPane.start(ChatSession(backend: model.backend, settings: settings))
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
            // The file's name is a 64-digit key: not for the status bar.
            status.add((error as? TranscriptStoreError)?.problem ?? "\(error)")
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
            chatPane.saveProblem = nil
        } catch {
            chatPane.saveProblem = "\(error)"
            status.message = error.problem
            invalidate(.frame)
        }
    }

    /// Saves the chat as Markdown (with the research-draft note) under the XDG data folder,
    /// atomically and private to the user; the status bar says where.
    func exportTranscript(to chosen: String? = nil) {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current,
                                                formatOptions: [.withFullDate, .withTime, .withDashSeparatorInDate])
        let name = (casePane.study?.folderName ?? "chat") + "-" + stamp + ".md"
        let path = chosen ?? (AppDirectories().transcripts + "/" + name)
        do {
            try AtomicFile.write(chatPane.session.exportMarkdown(title: casePane.study?.title ?? "MedGemma chat"), to: path)
            status.message = "transcript saved to \(path)"
        } catch {
            status.message = error.description
        }
    }

    func syncTranscript() {
        let snapshot = chatPane.session.snapshot()
        guard snapshot.revision != chatPane.shownRevision else { return }
        chatPane.shownRevision = snapshot.revision
        let entries = Self.entries(for: snapshot, caseTitle: casePane.study.map { TerminalSanitizer.singleLine.sanitize($0.title) })
        TranscriptSync.apply(shown: chatPane.shownEntries, new: entries, to: &chatPane.transcript)
        chatPane.shownEntries = entries
    }

    /// The transcript as the pane shows it: the research-draft note first, then the
    /// conversation. Only a reply that stopped short is shown incomplete: one still
    /// streaming counts as complete, so the marker does not flash under every token.
    static func entries(for snapshot: ChatSession.Snapshot, caseTitle: String?) -> [TranscriptEntry] {
        var entries = [TranscriptEntry(role: .note, text: Disclaimer.text)]
        if let caseTitle { entries.append(TranscriptEntry(role: .note, text: "Case: \(caseTitle). The case text is the model's context.")) }
        for (index, entry) in snapshot.entries.enumerated() {
            let streaming = snapshot.isGenerating && index == snapshot.entries.count - 1
            var shown = entry
            shown.isComplete = entry.role != .model || entry.isComplete || streaming
            entries.append(shown)
        }
        return entries
    }

    /// Has the in-process engine prefill the chat's case context (and any restored turns)
    /// now, while the user reads the case, so a question runs only its own tokens; images
    /// wait for it to be done (it is the shorter job, and every question needs it). Called
    /// whenever what the next prompt starts with changes; a server backend does nothing.
    func prepareChat() {
        chatPane.session.prepareContext()
        holdBackgroundEncoding(chatPane.session.snapshot())
    }
}
