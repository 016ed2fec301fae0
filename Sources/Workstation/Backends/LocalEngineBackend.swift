import Gemma

/// The in-process engine as a backend. One `Conversation` (one KV cache) serves the
/// session: each request renders the whole history, and the cache runs only what it
/// does not already hold, so a follow-up question costs only its new tokens.
///
/// Images are turned into embeddings by `images` on the engine queue, before the prompt
/// is rendered; the same picture in a later turn comes from the provider's cache.
public final class LocalEngineBackend: InferenceBackend, @unchecked Sendable {
    public let engine: Engine
    public let modelName: String
    public let images: ImageEmbeddingProvider?
    private let conversation: Conversation
    /// The adapters applied, shared by siblings (one engine).
    let adapterNames: AdapterNames

    public convenience init(engine: Engine, modelName: String, contextSize: Int, images: ImageEmbeddingProvider? = nil) {
        self.init(engine: engine, modelName: modelName, contextSize: contextSize, images: images,
                  adapterNames: AdapterNames(engine.model.adapters))
    }

    private init(engine: Engine, modelName: String, contextSize: Int, images: ImageEmbeddingProvider?, adapterNames: AdapterNames) {
        self.engine = engine
        self.modelName = modelName
        self.images = images
        self.adapterNames = adapterNames
        conversation = Conversation(model: engine.model, contextSize: min(contextSize, engine.model.config.trainingContext))
    }

    /// Another conversation (its own KV cache) on the same engine and image encoder: the
    /// report pane drafts in it without evicting the chat's cache. The engine's queue
    /// still runs one request at a time.
    public func sibling() -> LocalEngineBackend {
        LocalEngineBackend(engine: engine, modelName: modelName, contextSize: conversation.contextSize, images: images,
                           adapterNames: adapterNames)
    }

    /// "gemma-3-270m · in-process", or with adapters "gemma-3-270m + rank8.gguf ×0.5 · in-process".
    public var displayName: String { modelName + (adapterSummary.map { " + " + $0 } ?? "") + " · in-process" }
    public var contextSize: Int? { conversation.contextSize }
    public var acceptsImages: Bool { images != nil }

    public func reply(to messages: [BackendMessage], settings: GenerationSettings,
                      onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        let images = images
        let conversation = conversation
        return engine.reply(to: conversation, settings: settings.sampling, maxTokens: settings.maxTokens, prepare: { handle in
            var history = Self.system(settings, before: messages)
            for message in messages {
                var embeddings: [ImageEmbedding] = []
                if !message.images.isEmpty {
                    guard let images else { throw NoVisionError() }
                    for image in message.images where !handle.isCancelled {
                        embeddings.append(try images.embedding(for: image) { onEvent(.progress($0)) })
                    }
                }
                history.append(Self.chatMessage(message, embeddings: embeddings))
            }
            guard !handle.isCancelled else { return }
            // On the engine's serial queue: no other reply can be using the conversation.
            conversation.setMessages(history)
        }, onEvent: onEvent)
    }

    /// Prefills the system instruction (a study's case context) and the turns so far into
    /// the chat's cache (`Engine.prefillAhead`), up to the first turn with images: their
    /// embeddings would have to be read or encoded first, and the reply does that anyway.
    public func prepare(after messages: [BackendMessage], settings: GenerationSettings,
                        onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle? {
        var history = Self.system(settings, before: messages)
        for message in messages {
            guard message.images.isEmpty else { break }
            history.append(ChatMessage(message.role, message.text))
        }
        // A prompt that would end on a user turn cannot be followed by another one.
        while history.last?.role == .user { history.removeLast() }
        guard !history.isEmpty else { return nil }
        return engine.prefillAhead(of: history, in: conversation, onEvent: onEvent)
    }

    /// The engine's form of `message`, its pictures already `embeddings` (in order):
    /// labelled pictures before the text, each after its label; an unlabelled one after it
    /// (`BackendMessage.hasLabelledImages`).
    static func chatMessage(_ message: BackendMessage, embeddings: [ImageEmbedding]) -> ChatMessage {
        guard message.hasLabelledImages else { return ChatMessage(message.role, message.text, images: embeddings) }
        return ChatMessage(message.role, message.text, images: embeddings, imagePlacement: .beforeText,
                           imageLabels: message.images.map { $0.label ?? "" })
    }

    /// The system instruction of `settings` as the first message, unless `messages` has one.
    private static func system(_ settings: GenerationSettings, before messages: [BackendMessage]) -> [ChatMessage] {
        guard let system = settings.system, !system.isEmpty, messages.first?.role != .system else { return [] }
        return [ChatMessage(.system, system)]
    }

    struct NoVisionError: Error, CustomStringConvertible {
        var description: String {
            "this model has no vision part loaded: start with --mmproj FILE (the mmproj GGUF published beside the model) to ask about images"
        }
    }
}
