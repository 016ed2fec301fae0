import Gemma

/// The in-process engine as a backend. One `Conversation` (one KV cache) serves the
/// session: each request renders the whole history, and the cache runs only what it
/// does not already hold, so a follow-up question costs only its new tokens.
public final class LocalEngineBackend: InferenceBackend, @unchecked Sendable {
    public let engine: Engine
    public let modelName: String
    private let conversation: Conversation

    public init(engine: Engine, modelName: String, contextSize: Int) {
        self.engine = engine
        self.modelName = modelName
        conversation = Conversation(model: engine.model, contextSize: min(contextSize, engine.model.config.trainingContext))
    }

    public var displayName: String { "\(modelName) · in-process" }
    public var contextSize: Int? { conversation.contextSize }

    public func reply(to messages: [ChatMessage], settings: GenerationSettings,
                      onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        var history = messages
        if let system = settings.system, !system.isEmpty, history.first?.role != .system {
            history.insert(ChatMessage(.system, system), at: 0)
        }
        // The engine's queue is serial: setting the history here is safe because the
        // session never starts a request while one is running.
        conversation.setMessages(history)
        return engine.reply(to: conversation, settings: settings.sampling, maxTokens: settings.maxTokens, onEvent: onEvent)
    }
}
