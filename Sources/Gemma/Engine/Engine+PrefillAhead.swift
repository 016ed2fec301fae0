import Dispatch

/// Prefilling ahead: running what the next prompt will start with (the system instruction
/// — a study's case context — and the turns so far) into the conversation's KV cache while
/// the user is still reading or typing, so the question itself only runs what is new: its
/// text, its images and the template around them.
///
/// The prompt is not changed by this: the reply renders its tokens exactly as it would
/// have, and `Conversation.reuse` takes whatever prefix of them the cache holds.
extension Engine {
    /// Texts a next user message might start with. The prompt tokens the warm-up may run
    /// are those shared by the rendering with every one of them: a tokenizer merge across
    /// the end of the history (".\n\n" + "A…") would show up as a difference, and the
    /// special token leaves the text before it to be tokenized on its own.
    static let nextMessageProbes = ["A", "x", "1", "?", "(", ChatTemplate.endOfTurn]

    /// Prompt tokens run at a time (a multiple of `prefillAlignment`); a cancel takes effect
    /// between chunks.
    public static let prefillAheadChunk = AttentionTuning.causalBlockRows

    /// What is prefilled ahead ends at a multiple of this, and at least
    /// `AttentionTuning.batchedRows` before the end of the prefix, so that the question's
    /// batch has the query blocks (and the attention path) that running the whole prompt at
    /// once gives those positions: the batched attention works on blocks of
    /// `causalBlockRows` queries from the start of its batch, and the float sums of a block
    /// depend on its extent. The cache then holds exactly the numbers a cold prompt puts
    /// there, and the reply is the cold one, token for token.
    static let prefillAlignment = AttentionTuning.causalBlockRows

    /// The prompt tokens that every next reply after `messages` starts with, whatever the
    /// next user message says: the template and the history, up to where the next message
    /// would begin, and never past an image (whose rows the cache would need).
    public func promptPrefix(after messages: [ChatMessage], in conversation: Conversation) throws -> [Int32] {
        var common: [Int32]?
        for probe in Self.nextMessageProbes {
            let tokens = try promptTokens(for: messages + [ChatMessage(.user, probe)], in: conversation)
            guard let shared = common else { common = tokens; continue }
            var n = 0
            while n < min(shared.count, tokens.count) && shared[n] == tokens[n] { n += 1 }
            common = Array(shared[..<n])
        }
        let prefix = common ?? []
        return Array(prefix[..<(prefix.firstIndex { $0 < 0 } ?? prefix.count)])
    }

    /// Runs `promptPrefix(after: history)` into the conversation's cache ahead of the next
    /// reply — up to a multiple of `prefillAlignment` at least `AttentionTuning.batchedRows`
    /// before its end, so that the reply's numbers are those of a cold prompt — in chunks of
    /// `chunkSize` tokens (rounded up to that multiple) on the engine queue, after any work
    /// already there. What the cache already holds is not run again, and a cache that holds
    /// more after it (a reply already given) is left alone.
    ///
    /// Cancelling stops it between two chunks; what was run stays cached and the next
    /// request continues from there. A request made meanwhile simply queues behind it, so
    /// the cache is never used by two at once. Events: `.progress("N/M tokens")` after each
    /// chunk (and before the first), then `.finished` (`promptTokens`: the prefix;
    /// `processedPromptTokens`: run now; `prefill`: their time; `contextUsed`) or
    /// `.failed`. Nothing is sampled and the conversation's messages are not changed.
    @discardableResult
    public func prefillAhead(of history: [ChatMessage], in conversation: Conversation, chunkSize: Int = Engine.prefillAheadChunk,
                             onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        let handle = GenerationHandle()
        queue.async { [self] in
            defer { handle.markFinished() }
            do {
                onEvent(.finished(try runAhead(history, in: conversation, chunkSize: chunkSize, handle: handle, onEvent: onEvent)))
            } catch {
                onEvent(.failed("\(error)"))
            }
        }
        return handle
    }

    private func runAhead(_ history: [ChatMessage], in conversation: Conversation, chunkSize: Int, handle: GenerationHandle,
                          onEvent: (GenerationEvent) -> Void) throws -> GenerationStats {
        let clock = ContinuousClock()
        var stats = GenerationStats(stopReason: .endOfTurn)
        stats.contextSize = conversation.contextSize
        stats.contextUsed = conversation.contextUsed
        guard !handle.isCancelled else {
            stats.stopReason = .cancelled
            return stats
        }
        let prefix = try promptPrefix(after: history, in: conversation)
        let aligned = max(0, prefix.count - AttentionTuning.batchedRows) / Self.prefillAlignment * Self.prefillAlignment
        let tokens = Array(prefix[..<aligned])
        stats.promptTokens = tokens.count
        // A prefix that fills the context leaves no room for a question: that request will
        // say so itself.
        guard tokens.count < conversation.contextSize else { return stats }
        conversation.forgetIfStale(generation: model.adapterGeneration)
        var done = conversation.keepCached(prefix: tokens, alignment: Self.prefillAlignment)
        // A new chat over a longer cached one keeps the old tokens past the prefix until
        // the next question cuts them, but they are no longer the chat's context: the status
        // bar said "3860/4096" over an empty chat.
        stats.contextUsed = min(conversation.contextUsed, prefix.count)
        guard done < tokens.count else { return stats }
        // Chunks end on the same alignment, so each one's query blocks are a cold prompt's.
        let size = max(1, (chunkSize + Self.prefillAlignment - 1) / Self.prefillAlignment) * Self.prefillAlignment
        let start = clock.now
        onEvent(.progress("\(done)/\(tokens.count) tokens"))
        while done < tokens.count {
            if handle.isCancelled {
                stats.stopReason = .cancelled
                break
            }
            let chunk = Array(tokens[done..<min(tokens.count, (done / size + 1) * size)])
            _ = try model.prefill(chunk, cache: conversation.cache)
            conversation.cachedTokens += chunk
            done += chunk.count
            stats.processedPromptTokens += chunk.count
            onEvent(.progress("\(done)/\(tokens.count) tokens"))
        }
        stats.prefill = clock.now - start
        stats.contextUsed = conversation.contextUsed
        return stats
    }
}
