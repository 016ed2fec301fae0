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
}
