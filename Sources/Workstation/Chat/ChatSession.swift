import Foundation
import Gemma
import Support

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
        /// "prefill 812 tokens"), or "preparing case context… 128/590 tokens" while the
        /// context is prefilled ahead; nil once tokens flow or when idle.
        public var activity: String?
        /// The backend is getting ready for the next message (`prepareContext()`); a
        /// message may be sent meanwhile.
        public var isPreparingContext = false
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
    /// The preparation running ahead of the next message, and its number: events of an
    /// earlier one (superseded, or overtaken by a message) are ignored.
    private var preparation: GenerationHandle?
    private var preparationNumber = 0
    private var endedPreparation = 0
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
    /// A preparation running ahead stops too (without waiting for it).
    public func cancel() {
        lock.withLock { handle }?.cancel()
        stopPreparing()
    }

    /// Has the backend get ready for the next message now — the in-process engine prefills
    /// the case context (the system instruction) and the turns so far into its KV cache
    /// while the user reads and types, so the message then runs only its own tokens. Call
    /// it when a chat starts and whenever its context changes (a restored transcript, a
    /// new system instruction); the prompt the model sees is the same either way.
    ///
    /// It never blocks: the backend works on its own queue, the snapshot says "preparing
    /// case context…" meanwhile, and a message sent before it ends stops it between two
    /// steps and continues from what is ready. Nothing happens while a reply runs, without
    /// a system instruction or turns, or with a backend that has nothing to do ahead (a
    /// server).
    public func prepareContext() {
        let request: (messages: [BackendMessage], settings: GenerationSettings, number: Int, superseded: GenerationHandle?)? = lock.withLock {
            guard !state.isGenerating else { return nil }
            let messages = Self.history(state.entries[...])
            guard !messages.isEmpty || !(settingsValue.system ?? "").isEmpty else { return nil }
            let superseded = takePreparation()
            return (messages, settingsValue, preparationNumber, superseded)
        }
        guard let request else { return }
        request.superseded?.cancel()
        let started = backend.prepare(after: request.messages, settings: request.settings) { [weak self] event in
            self?.receivePreparation(event, number: request.number)
        }
        guard let started else { return }
        var overtaken = false
        update { (state: inout Snapshot) in
            // Not when it already ended (events may come before `prepare` returns) or was
            // overtaken meanwhile (a message sent from another thread).
            overtaken = preparationNumber != request.number
            guard !overtaken, endedPreparation != request.number else { return }
            preparation = started
            state.isPreparingContext = true
            if state.activity == nil { state.activity = Self.preparingLine }
        }
        if overtaken { started.cancel() }
    }

    /// Blocks until no preparation is running (for tests; the TUI never waits).
    public func waitUntilPrepared() {
        lock.withLock { preparation }?.wait()
    }

    static let preparingLine = "preparing case context…"

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
    /// A preparation still running is stopped first (the backend finishes its current
    /// step, then the reply continues from what is ready).
    private func startReply(_ prepare: (inout Snapshot) -> Bool) throws(SessionError) {
        let (messages, settings, preparation): ([BackendMessage], GenerationSettings, GenerationHandle?) = try locked { () throws(SessionError) in
            guard !state.isGenerating else { throw .busy }
            var draft = state
            guard prepare(&draft) else { throw .nothingToRegenerate }
            let preparation = takePreparation()
            draft.isPreparingContext = false
            draft.entries.append(TranscriptEntry(role: .model, text: "", isComplete: false))
            draft.isGenerating = true
            draft.liveTokens = 0
            draft.liveTokensPerSecond = 0
            draft.activity = nil
            draft.revision = state.revision + 1
            state = draft
            firstTokenAt = nil
            return (Self.history(draft.entries.dropLast()), settingsValue, preparation)
        }
        preparation?.cancel()
        lock.withLock { changeHandler }?()
        let handle = backend.reply(to: messages, settings: settings) { [weak self] event in self?.receive(event) }
        lock.withLock { if state.isGenerating { self.handle = handle } }
    }

    /// Cancels the running preparation without waiting: the backend stops it after its
    /// current step, before it starts anything asked later.
    private func stopPreparing() {
        guard let stopped = lock.withLock({ takePreparation() }) else { return }
        stopped.cancel()
        lock.withLock { changeHandler }?()
    }

    /// With the lock held: forgets the running preparation (its later events are ignored)
    /// and clears its status line; returns its handle, to be cancelled once unlocked.
    private func takePreparation() -> GenerationHandle? {
        preparationNumber += 1
        let taken = preparation
        preparation = nil
        if state.isPreparingContext {
            state.isPreparingContext = false
            if !state.isGenerating { state.activity = nil }
            state.revision += 1
        }
        return taken
    }

    private func receivePreparation(_ event: GenerationEvent, number: Int) {
        update { (state: inout Snapshot) in
            guard number == preparationNumber else { return }
            switch event {
            case .progress(let line):
                state.isPreparingContext = true
                state.activity = Self.preparingLine + " " + line
            case .token:
                break
            case .finished(let stats):
                state.isPreparingContext = false
                state.activity = nil
                state.contextUsed = stats.contextUsed
                preparation = nil
                endedPreparation = number
            case .failed:
                // The message that needs it will fail with the same words, in the transcript.
                state.isPreparingContext = false
                state.activity = nil
                preparation = nil
                endedPreparation = number
            }
        }
    }

    /// The transcript as the backend reads it (notes are for the reader only).
    private static func history(_ entries: ArraySlice<TranscriptEntry>) -> [BackendMessage] {
        entries.compactMap { entry -> BackendMessage? in
            switch entry.role {
            case .user: return BackendMessage(.user, entry.text, images: entry.images)
            case .model: return BackendMessage(.assistant, entry.text)
            case .note: return nil
            }
        }
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
                    let seconds = Format.seconds(token.elapsed - first)
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
