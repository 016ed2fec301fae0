import Foundation
import Gemma

/// A chat as the workstation shows it: the transcript, the settings, and at most one
/// reply in progress from an `InferenceBackend`.
///
/// Thread-safe: the backend's events update the transcript on the backend's thread under
/// a lock, and the UI reads consistent `snapshot()`s from its own thread. `onChange` is
/// called (on the backend's thread) after every update, so a UI can wake up and redraw.
public final class ChatSession: @unchecked Sendable {
    /// What the UI draws: the transcript and what is happening now.
    public struct Snapshot: Sendable {
        public var entries: [TranscriptEntry]
        public var isGenerating: Bool
        /// Tokens so far in the running reply, and their rate (tokens/s since the first).
        public var liveTokens: Int
        public var liveTokensPerSecond: Double
        /// Statistics of the last finished reply.
        public var lastStats: GenerationStats?
        /// Positions used in the context (live while a reply streams).
        public var contextUsed: Int
        public var contextSize: Int?
        /// What the running reply is doing before its first token ("encoding image…",
        /// "prefill 812 tokens"); nil once tokens flow or when idle.
        public var activity: String?
        /// Bumped on every change, so a UI can skip redraws when nothing changed.
        public var revision: Int
    }

    public enum SessionError: Error, CustomStringConvertible, Equatable {
        case busy
        case emptyMessage
        case nothingToRegenerate
        case imagesNotSupported(String)
        public var description: String {
            switch self {
            case .busy: return "a reply is still being generated (Esc cancels it)"
            case .emptyMessage: return "nothing to send: the message is empty"
            case .nothingToRegenerate: return "there is no reply to regenerate yet"
            case .imagesNotSupported(let backend): return "\(backend) cannot take images (start with --mmproj FILE for the model's vision part)"
            }
        }
    }

    public let backend: InferenceBackend
    public var onChange: (@Sendable () -> Void)? {
        get { lock.withLock { changeHandler } }
        set { lock.withLock { changeHandler = newValue } }
    }

    private let lock = NSLock()
    private var state: Snapshot
    private var settingsValue: GenerationSettings
    private var handle: GenerationHandle?
    private var firstTokenAt: Duration?
    private var changeHandler: (@Sendable () -> Void)?

    public init(backend: InferenceBackend, settings: GenerationSettings = GenerationSettings()) {
        self.backend = backend
        settingsValue = settings
        state = Snapshot(entries: [], isGenerating: false, liveTokens: 0, liveTokensPerSecond: 0, lastStats: nil,
                         contextUsed: 0, contextSize: backend.contextSize, activity: nil, revision: 0)
    }

    public var settings: GenerationSettings {
        get { lock.withLock { settingsValue } }
        set { lock.withLock { settingsValue = newValue } }
    }

    public func snapshot() -> Snapshot { lock.withLock { state } }

    /// Sends a user message, with the images it shows the model, and starts the reply.
    public func send(_ text: String, images: [ImageAttachment] = []) throws(SessionError) {
        let message = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty else { throw .emptyMessage }
        guard images.isEmpty || backend.acceptsImages else { throw .imagesNotSupported(backend.displayName) }
        try startReply { state in
            state.entries.append(TranscriptEntry(role: .user, text: message, images: images))
            return true
        }
    }

    /// Replaces the transcript (a conversation restored from disk); not while a reply runs.
    public func restore(_ entries: [TranscriptEntry]) throws(SessionError) {
        try update { state throws(SessionError) in
            guard !state.isGenerating else { throw .busy }
            state.entries = entries
            state.lastStats = nil
            state.contextUsed = 0
        }
    }

    /// Replaces the last reply with a new one to the same question.
    public func regenerate() throws(SessionError) {
        try startReply { state in
            if state.entries.last?.role == .note { state.entries.removeLast() }
            guard state.entries.last?.role == .model || state.entries.last?.role == .user else { return false }
            if state.entries.last?.role == .model { state.entries.removeLast() }
            return state.entries.last?.role == .user
        }
    }

    /// Stops the running reply between two tokens; what arrived is kept, marked incomplete.
    public func cancel() {
        lock.withLock { handle }?.cancel()
    }

    /// Forgets the transcript (not allowed while a reply runs).
    public func clear() throws(SessionError) {
        try update { state throws(SessionError) in
            guard !state.isGenerating else { throw .busy }
            state.entries.removeAll()
            state.lastStats = nil
            state.contextUsed = 0
        }
    }

    /// Blocks until no reply is running (for commands and tests; the TUI never waits).
    public func waitUntilIdle() {
        lock.withLock { handle }?.wait()
        // The final event is delivered before the handle reports finished, so the
        // state is idle now.
    }

    /// The transcript as Markdown, with the research-draft note, for "export transcript".
    public func exportMarkdown(title: String = "MedGemma chat") -> String {
        let snapshot = snapshot()
        var out = "# \(title)\n\n> \(Disclaimer.text)\n\n"
        if let system = settings.system, !system.isEmpty { out += "**System:** \(system)\n\n" }
        for entry in snapshot.entries {
            switch entry.role {
            case .user: out += "## You\n\n\(entry.text)\n\n"
            case .model:
                out += "## Model\n\n\(entry.text)\n\n"
                if !entry.isComplete { out += "*(incomplete)*\n\n" }
                if let timing = entry.timing { out += "<sub>\(timing)</sub>\n\n" }
            case .note: out += "> \(entry.text)\n\n"
            }
        }
        return out
    }

    // MARK: - Internals

    /// `NSLock.withLock` rethrows untyped errors; this keeps the typed ones.
    private func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func update<E: Error>(_ body: (inout Snapshot) throws(E) -> Void) throws(E) {
        let handler: (@Sendable () -> Void)? = try locked { () throws(E) -> (@Sendable () -> Void)? in
            try body(&state)
            state.revision += 1
            return changeHandler
        }
        handler?()
    }

    /// Applies `prepare` to the transcript (it returns false when there is nothing to
    /// answer), then asks the backend for a reply to it.
    private func startReply(_ prepare: (inout Snapshot) -> Bool) throws(SessionError) {
        let (messages, settings): ([BackendMessage], GenerationSettings) = try locked { () throws(SessionError) in
            guard !state.isGenerating else { throw .busy }
            var draft = state
            guard prepare(&draft) else { throw .nothingToRegenerate }
            draft.entries.append(TranscriptEntry(role: .model, text: "", isComplete: false))
            draft.isGenerating = true
            draft.liveTokens = 0
            draft.liveTokensPerSecond = 0
            draft.activity = nil
            draft.revision += 1
            state = draft
            firstTokenAt = nil
            let history = draft.entries.dropLast().compactMap { entry -> BackendMessage? in
                switch entry.role {
                case .user: return BackendMessage(.user, entry.text, images: entry.images)
                case .model: return BackendMessage(.assistant, entry.text)
                case .note: return nil
                }
            }
            return (history, settingsValue)
        }
        lock.withLock { changeHandler }?()
        let handle = backend.reply(to: messages, settings: settings) { [weak self] event in self?.receive(event) }
        lock.withLock { if state.isGenerating { self.handle = handle } }
    }

    private func receive(_ event: GenerationEvent) {
        update { (state: inout Snapshot) in
            guard let last = state.entries.indices.last, state.entries[last].role == .model else { return }
            switch event {
            case .progress(let line):
                state.activity = line
            case .token(let token):
                state.activity = nil
                state.entries[last].text += token.text
                state.liveTokens += 1
                state.contextUsed = token.contextUsed
                if let first = firstTokenAt {
                    let seconds = Timing.seconds(token.elapsed - first)
                    state.liveTokensPerSecond = seconds > 0 ? Double(state.liveTokens - 1) / seconds : 0
                } else {
                    firstTokenAt = token.elapsed
                }
            case .finished(let stats):
                state.entries[last].timing = Timing.line(stats)
                state.entries[last].isComplete = stats.stopReason == .endOfTurn || stats.stopReason == .maxTokens
                if stats.stopReason == .cancelled || stats.stopReason == .contextFull {
                    state.entries.append(TranscriptEntry(role: .note, text: "reply \(stats.stopReason.rawValue)"))
                }
                state.lastStats = stats
                state.contextUsed = stats.contextUsed
                state.isGenerating = false
                state.activity = nil
                handle = nil
            case .failed(let message):
                state.entries[last].isComplete = false
                if state.entries[last].text.isEmpty { state.entries.remove(at: last) }
                state.entries.append(TranscriptEntry(role: .note, text: message))
                state.isGenerating = false
                state.activity = nil
                handle = nil
            }
        }
    }
}
