import Dispatch
import GGUF

/// Owns the model and runs every forward pass on its own serial background queue.
/// Callers get tokens as they are produced through a callback (or an `AsyncStream`) and
/// can cancel between any two tokens.
///
/// Context policy: a prompt that does not fit the conversation's context fails with a
/// clear message; a reply that reaches the end of the context stops there with the
/// stop reason `.contextFull`, keeping what was generated.
public final class Engine: @unchecked Sendable {
    public let model: GemmaModel
    public let tokenizer: GemmaTokenizer
    /// Every use of a model and its caches goes through here, one request at a time.
    let queue = DispatchQueue(label: "medgemma.engine", qos: .userInitiated)

    public init(model: GemmaModel, tokenizer: GemmaTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Loads the model file (into memory when it fits, `FileResidency`) and builds the
    /// tokenizer and the model from it.
    public convenience init(path: String) throws(GGUFError) {
        let file = try GGUFFile(path: path, residency: .memoryIfItFits)
        try self.init(model: GemmaModel(file: file), tokenizer: GemmaTokenizer(file: file))
    }

    /// Tokens of a conversation rendered with the chat template and the generation prompt.
    /// Each image sequence expands as the Hugging Face processor expands it —
    /// `"\n\n" <start_of_image>` · its rows · `<end_of_image> "\n\n"` (ENGINE.md §6), with
    /// pan-and-scan crops introduced in the processor's words — and the rows' positions
    /// hold the conversation's placeholder id for that image.
    public func promptTokens(for conversation: Conversation) throws -> [Int32] {
        try promptTokens(for: conversation.messages, in: conversation)
    }

    /// `promptTokens(for:)` of `messages` in place of the conversation's own (its images
    /// take the conversation's placeholder ids).
    func promptTokens(for messages: [ChatMessage], in conversation: Conversation) throws -> [Int32] {
        // U+FFFC (object replacement) marks image slots; removed from the text itself.
        let slot: Character = "\u{FFFC}"
        var messages = messages
        for i in messages.indices {
            messages[i].content.removeAll { $0 == slot }
            for j in messages[i].imageLabels.indices { messages[i].imageLabels[j].removeAll { $0 == slot } }
        }
        let text = try ChatTemplate.render(messages, addGenerationPrompt: true, imageMarker: String(slot))
        let pieces = text.split(separator: slot, omittingEmptySubsequences: false).map(String.init)
        let images = messages.flatMap(\.images)
        precondition(pieces.count == images.count + 1, "one text piece around each image")
        var tokens: [Int32] = []
        var pending = pieces[0]
        func flush(addBOS: Bool) {
            tokens += tokenizer.encode(pending, addBOS: addBOS, parseSpecial: true)
            pending = ""
        }
        var first = true
        for (i, image) in images.enumerated() {
            for (lead, sequence) in image.promptPieces {
                pending += lead + "\n\n" + ChatTemplate.startOfImage
                flush(addBOS: first)
                first = false
                tokens += Array(repeating: conversation.placeholder(for: sequence), count: sequence.tokenCount)
                pending = "<end_of_image>\n\n"
            }
            pending += pieces[i + 1]
        }
        flush(addBOS: first)
        return tokens
    }

    /// The id transformers' processor writes at each image position: the vocabulary's
    /// `<image_soft_token>` where it has one (MedGemma's GGUF: 262144), else Gemma 3's
    /// `image_token_index` 262144 (text-only Gemma 3 vocabularies stop at 262143).
    public var imageTokenID: Int32 { tokenizer.id(forPiece: "<image_soft_token>") ?? 262_144 }

    /// `promptTokens(for:)` as transformers' processor writes them: every image position
    /// holds `imageTokenID` instead of the conversation's placeholder.
    public func promptIDs(for conversation: Conversation) throws -> [Int32] {
        let image = imageTokenID
        return try promptTokens(for: conversation).map { $0 < 0 ? image : $0 }
    }

    /// Runs the conversation's prompt (chat template, images spliced, generation prompt)
    /// through the model and returns the logits after its last position; nothing is
    /// sampled and no reply is added. Runs on the engine queue, after any reply in progress.
    public func nextTokenLogits(for conversation: Conversation) throws -> [Float] {
        try queue.sync {
            let tokens = try promptTokens(for: conversation)
            guard tokens.count <= conversation.contextSize else {
                throw ContextFullError(capacity: conversation.contextSize, needed: tokens.count)
            }
            conversation.forgetIfStale(generation: model.adapterGeneration)
            let fresh = tokens[conversation.reuse(for: tokens)...]
            let logits = try model.prefill(segments(fresh, in: conversation), cache: conversation.cache, batchSize: Self.prefillBatch)
            conversation.cachedTokens += fresh
            return logits
        }
    }

    /// `messages` rendered as a reply to them would run (chat template, images spliced,
    /// generation prompt) as model input — for callers that run the model themselves on a
    /// prompt of their own (evaluation scores answer options after it). The images are
    /// numbered in a throwaway conversation, so nothing is kept between calls.
    public func promptSegments(for messages: [ChatMessage]) throws -> [PromptSegment] {
        let scratch = Conversation(model: model, contextSize: 1)
        return segments(try promptTokens(for: messages, in: scratch)[...], in: scratch)
    }

    /// Replaces the model's LoRA adapters on the engine queue, after any reply in progress
    /// (a reply never sees its weights change under it); conversations run their prompts
    /// again under the new weights. `prepare` runs first on the queue (the vision tower
    /// takes its part there); if it throws, nothing changes. `done` runs on the engine
    /// queue with the error, or nil once they apply.
    public func setAdapters(_ adapters: [ModelAdapter], prepare: @escaping @Sendable () throws -> Void = {},
                            then done: @escaping @Sendable (Error?) -> Void = { _ in }) {
        queue.async {
            do {
                try prepare()
            } catch {
                return done(error)
            }
            self.model.adapters = adapters
            done(nil)
        }
    }

    /// Token rows run through the model at a time (`GemmaModel.prefill`'s batch).
    public static let prefillBatch = 512

    /// Prompt ids as model input: runs of tokens, and each image's rows in one piece. The
    /// slice's indices are the ids' positions in the prompt: token runs are also cut where
    /// a position is a multiple of `prefillBatch`, so a position falls in the same batch
    /// whether the prompt runs from the start or from a prefix prefilled ahead
    /// (`prefillAhead`), and its numbers come out the same.
    private func segments(_ ids: ArraySlice<Int32>, in conversation: Conversation) -> [PromptSegment] {
        var segments: [PromptSegment] = []
        var i = ids.startIndex
        while i < ids.endIndex {
            var j = i
            if ids[i] >= 0 {
                repeat { j += 1 } while j < ids.endIndex && ids[j] >= 0 && j % Self.prefillBatch != 0
                segments.append(.tokens(Array(ids[i..<j])))
            } else {
                let image = conversation.image(placeholder: ids[i])
                while j < ids.endIndex && ids[j] == ids[i] && j - i < image.tokenCount { j += 1 }
                segments.append(.image(image.rows))
            }
            i = j
        }
        return segments
    }

    /// Replies to the conversation's last user message (rendered with the chat template);
    /// the reply is added to the conversation. Events arrive on the engine queue.
    ///
    /// `prepare` runs first, on the engine queue, so work the reply depends on (encoding
    /// its images, setting the conversation's messages) queues behind earlier replies and
    /// never runs on the caller's thread; an error it throws fails the reply.
    @discardableResult
    public func reply(to conversation: Conversation, settings: SamplingSettings, maxTokens: Int,
                      prepare: ((GenerationHandle) throws -> Void)? = nil,
                      onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        let requested = ContinuousClock.now
        return start(onEvent) { [self] handle in
            if let prepare {
                try prepare(handle)
                if handle.isCancelled {
                    conversation.addAssistant("")
                    return GenerationStats(stopReason: .cancelled)
                }
            }
            let (stats, text) = try run(promptTokens(for: conversation), in: conversation, settings: settings,
                                        maxTokens: maxTokens, requested: requested, handle: handle, onEvent: onEvent)
            conversation.addAssistant(text)
            return stats
        }
    }

    /// Continues raw prompt tokens (no chat template) in the conversation's KV cache; its
    /// messages are left alone. Events arrive on the engine queue.
    @discardableResult
    public func complete(_ tokens: [Int32], in conversation: Conversation, settings: SamplingSettings, maxTokens: Int,
                         onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        let requested = ContinuousClock.now
        return start(onEvent) { [self] handle in
            try run(tokens, in: conversation, settings: settings, maxTokens: maxTokens, requested: requested,
                    handle: handle, onEvent: onEvent).stats
        }
    }

    /// Runs `work` on the engine queue, turning its result into the final event.
    private func start(_ onEvent: @escaping @Sendable (GenerationEvent) -> Void,
                       _ work: @escaping (GenerationHandle) throws -> GenerationStats) -> GenerationHandle {
        let handle = GenerationHandle()
        queue.async {
            defer { handle.markFinished() }
            do {
                onEvent(.finished(try work(handle)))
            } catch {
                onEvent(.failed("\(error)"))
            }
        }
        return handle
    }

    /// The same as `reply(to:…)`, as an `AsyncStream`; ending the stream's consumer cancels.
    public func replyStream(to conversation: Conversation, settings: SamplingSettings, maxTokens: Int) -> AsyncStream<GenerationEvent> {
        AsyncStream { continuation in
            let handle = reply(to: conversation, settings: settings, maxTokens: maxTokens) { event in
                continuation.yield(event)
                switch event {
                case .finished, .failed: continuation.finish()
                case .token, .progress: break
                }
            }
            continuation.onTermination = { _ in handle.cancel() }
        }
    }

    /// Prefills what the cache lacks of `tokens`, then samples until a stop; returns the
    /// statistics and the reply text.
    ///
    /// The time to first token (and each token's `elapsed`) counts from `requested`, when the
    /// caller asked: waiting behind earlier work on the queue (a context being prefilled
    /// ahead) and preparing the images are part of what the user waits for.
    private func run(_ tokens: [Int32], in conversation: Conversation, settings: SamplingSettings, maxTokens: Int,
                     requested: ContinuousClock.Instant, handle: GenerationHandle,
                     onEvent: (GenerationEvent) -> Void) throws -> (stats: GenerationStats, text: String) {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = GenerationStats()
        stats.promptTokens = tokens.count
        stats.contextSize = conversation.contextSize
        guard !tokens.isEmpty else { return (stats, "") }
        guard tokens.count < conversation.contextSize else {
            throw ContextFullError(capacity: conversation.contextSize, needed: tokens.count + 1)
        }
        conversation.forgetIfStale(generation: model.adapterGeneration)
        let reused = conversation.reuse(for: tokens)
        let fresh = tokens[reused...]
        stats.processedPromptTokens = fresh.count
        if fresh.count > 1 { onEvent(.progress("prefill \(fresh.count) tokens")) }

        var sampler = Sampler(settings: settings)
        tokens.forEach { sampler.observe($0) }
        var logits = try model.prefill(segments(fresh, in: conversation), cache: conversation.cache, batchSize: Self.prefillBatch)
        conversation.cachedTokens += fresh
        stats.prefill = clock.now - start

        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var text = ""
        let decodeStart = clock.now
        var stop = StopReason.maxTokens
        while stats.generatedTokens < maxTokens {
            if handle.isCancelled { stop = .cancelled; break }
            let token = sampler.sample(logits)
            if tokenizer.isEndOfGeneration(token) { stop = .endOfTurn; break }
            let piece = decoder.append(token)
            text += piece
            if stats.generatedTokens == 0 { stats.timeToFirstToken = clock.now - requested }
            onEvent(.token(GeneratedToken(id: token, text: piece, index: stats.generatedTokens, elapsed: clock.now - requested,
                                           contextUsed: conversation.cache.count)))
            stats.generatedTokens += 1
            if stats.generatedTokens == maxTokens { stop = .maxTokens; break }
            if conversation.cache.count >= conversation.contextSize { stop = .contextFull; break }
            if handle.isCancelled { stop = .cancelled; break }
            logits = try model.forward(.tokens([token]), cache: conversation.cache)
            conversation.cachedTokens.append(token)
        }
        let tail = decoder.finish()
        if !tail.isEmpty {
            text += tail
            onEvent(.token(GeneratedToken(id: -1, text: tail, index: stats.generatedTokens, elapsed: clock.now - requested,
                                           contextUsed: conversation.cache.count)))
        }
        stats.decode = clock.now - decodeStart
        stats.stopReason = stop
        stats.contextUsed = conversation.cache.count
        return (stats, text)
    }
}
