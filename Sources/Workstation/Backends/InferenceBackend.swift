import Gemma

/// Something that answers a chat: the in-process engine, or (issue 7) a remote
/// OpenAI-compatible server. Everything above it — chat sessions, reports, the TUI,
/// `ask` — works with either.
///
/// `reply` starts answering the last user message of `messages` and returns at once;
/// events arrive on the backend's own thread, in order — any `.progress` lines, the
/// tokens, then exactly one `.finished` or `.failed`. The handle cancels between tokens
/// (a remote backend closes its stream at once).
public protocol InferenceBackend: AnyObject, Sendable {
    /// Shown in the status bar, e.g. "gemma-3-270m-q4_k_m.gguf · in-process".
    var displayName: String { get }
    /// Context size in tokens, when the backend knows it.
    var contextSize: Int? { get }
    /// Whether user messages may carry images (an mmproj is loaded, or the server takes them).
    var acceptsImages: Bool { get }

    func reply(to messages: [BackendMessage], settings: GenerationSettings,
               onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle

    /// Gets ready for the next reply after `messages` (with the system instruction of
    /// `settings`), before the user has written it: the in-process engine prefills the
    /// case context and the turns so far into its KV cache, so the question runs only its
    /// own tokens. Events as for `reply` (`.progress` lines, then one `.finished` or
    /// `.failed`); a reply asked for meanwhile waits for the current step and continues
    /// from what is ready. Nil when there is nothing to do ahead (the default; a server
    /// keeps its own cache, if any).
    func prepare(after messages: [BackendMessage], settings: GenerationSettings,
                 onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle?
}

extension InferenceBackend {
    public func prepare(after messages: [BackendMessage], settings: GenerationSettings,
                        onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle? {
        nil
    }
}
