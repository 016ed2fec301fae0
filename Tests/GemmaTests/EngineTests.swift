import Foundation
import XCTest
import Gemma

/// The engine on the real model: streaming from its queue, cancel, KV reuse across turns,
/// seeds, and the context-full policy.
final class EngineTests: XCTestCase {
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var tokens: [GeneratedToken] = []
        var stats: GenerationStats?
        var failure: String?
        var onToken: ((Int) -> Void)?

        func handle(_ event: GenerationEvent) {
            lock.lock(); defer { lock.unlock() }
            switch event {
            case .token(let t):
                tokens.append(t)
                onToken?(tokens.count)
            case .finished(let s): stats = s
            case .failed(let m): failure = m
            case .progress: break
            }
        }

        var ids: [Int32] { tokens.map(\.id).filter { $0 >= 0 } }
    }

    func reply(_ engine: Engine, _ conversation: Conversation, settings: SamplingSettings = .greedy, maxTokens: Int,
               onToken: ((Int, GenerationHandle) -> Void)? = nil) -> Recorder {
        let recorder = Recorder()
        var handleRef: GenerationHandle?
        let ready = DispatchSemaphore(value: 0)
        recorder.onToken = { n in ready.wait(); ready.signal(); onToken?(n, handleRef!) }
        let handle = engine.reply(to: conversation, settings: settings, maxTokens: maxTokens) { recorder.handle($0) }
        handleRef = handle
        ready.signal()
        handle.wait()
        return recorder
    }

    func testRepliesStreamFromABackgroundQueue() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 256)
        conversation.addUser("Name three bones of the arm.")
        let recorder = Recorder()
        final class Threads: @unchecked Sendable { var main = false }
        let threads = Threads()
        let handle = engine.reply(to: conversation, settings: .greedy, maxTokens: 5) { event in
            if Thread.isMainThread { threads.main = true }
            recorder.handle(event)
        }
        handle.wait()
        XCTAssertFalse(threads.main, "events must come from the engine queue, not the caller's thread")
        let stats = try XCTUnwrap(recorder.stats)
        XCTAssertEqual(stats.generatedTokens, recorder.ids.count)
        XCTAssertEqual(stats.stopReason, .maxTokens)
        XCTAssertEqual(recorder.ids.count, 5)
        XCTAssertEqual(recorder.tokens.map(\.index), Array(0..<recorder.tokens.count))
        XCTAssertEqual(conversation.messages.last?.role, .assistant)
        XCTAssertEqual(conversation.messages.last?.content, recorder.tokens.map(\.text).joined())
    }

    /// A follow-up runs only the tokens after the cached prefix, not the whole history.
    func testFollowUpProcessesOnlyNewTokens() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 512, system: "You are a careful clinician.")
        conversation.addUser("What is a normal resting heart rate?")
        let firstPrompt = try engine.promptTokens(for: conversation)
        let first = reply(engine, conversation, maxTokens: 6)
        let s1 = try XCTUnwrap(first.stats)
        XCTAssertEqual(s1.processedPromptTokens, firstPrompt.count)

        conversation.addUser("And in athletes?")
        let secondPrompt = try engine.promptTokens(for: conversation)
        let second = reply(engine, conversation, maxTokens: 4)
        let s2 = try XCTUnwrap(second.stats)
        // What the cache held: the first prompt and the reply tokens that were run through the
        // model (the last one sampled at the token limit was never fed back).
        let cached = firstPrompt + first.ids.dropLast()
        var common = 0
        while common < min(cached.count, secondPrompt.count - 1) && cached[common] == secondPrompt[common] { common += 1 }
        XCTAssertGreaterThan(common, firstPrompt.count, "the first turn's tokens should be reused")
        XCTAssertEqual(s2.promptTokens, secondPrompt.count)
        XCTAssertEqual(s2.processedPromptTokens, secondPrompt.count - common)
        XCTAssertLessThan(s2.processedPromptTokens, 20)
    }

    func testCancelIsAcknowledgedWithinOneToken() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 512)
        conversation.addUser("Write a long essay about the history of medicine.")
        var settings = SamplingSettings()
        settings.seed = 3
        let recorder = reply(engine, conversation, settings: settings, maxTokens: 300) { n, handle in
            if n == 3 { handle.cancel() }
        }
        let stats = try XCTUnwrap(recorder.stats)
        XCTAssertEqual(stats.stopReason, .cancelled)
        XCTAssertLessThanOrEqual(recorder.ids.count, 4)
    }

    func testSameSeedGivesTheSameReply() throws {
        let engine = try TestModel.engine()
        func run(seed: UInt64) -> [Int32] {
            let conversation = Conversation(model: engine.model, contextSize: 256)
            conversation.addUser("Tell me about the kidneys.")
            var settings = SamplingSettings()
            settings.seed = seed
            return reply(engine, conversation, settings: settings, maxTokens: 12).ids
        }
        let a = run(seed: 11)
        XCTAssertEqual(a, run(seed: 11))
        XCTAssertEqual(a.count, 12)
    }

    func testContextFullStopsTheReplyAndKeepsIt() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 28)
        conversation.addUser("What is the capital of France? Answer in one sentence.")   // 21 prompt tokens
        let recorder = reply(engine, conversation, maxTokens: 100)
        let stats = try XCTUnwrap(recorder.stats)
        XCTAssertEqual(stats.stopReason, .contextFull)
        XCTAssertEqual(stats.contextUsed, 28)
        XCTAssertEqual(recorder.ids.count, 28 - 21 + 1)

        let tooLong = Conversation(model: engine.model, contextSize: 10)
        tooLong.addUser("What is the capital of France? Answer in one sentence.")
        let failed = reply(engine, tooLong, maxTokens: 5)
        XCTAssertNil(failed.stats)
        XCTAssertEqual(failed.failure, "the context is full: 22 tokens needed, 10 available (start a new chat or raise --ctx)")
    }

    func testAsyncStreamDeliversTheSameTokens() async throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 256)
        conversation.addUser("Tell me about the kidneys.")
        var ids: [Int32] = []
        var finished = false
        for await event in engine.replyStream(to: conversation, settings: .greedy, maxTokens: 6) {
            if case .token(let t) = event, t.id >= 0 { ids.append(t.id) }
            if case .finished = event { finished = true }
        }
        XCTAssertTrue(finished)
        let again = Conversation(model: engine.model, contextSize: 256)
        again.addUser("Tell me about the kidneys.")
        XCTAssertEqual(ids, reply(engine, again, maxTokens: 6).ids)
    }
}
