import Foundation
import Gemma
import TestSupport
import XCTest
@testable import Workstation

/// The chat session over the real default model through the in-process backend.
final class ChatSessionTests: XCTestCase {
    private static var sharedEngine: Engine?

    private func engine() throws -> Engine {
        if let e = Self.sharedEngine { return e }
        let e = try Engine(path: TestEnvironment.defaultModel())
        Self.sharedEngine = e
        return e
    }

    private func session(_ settings: GenerationSettings) throws -> ChatSession {
        ChatSession(backend: LocalEngineBackend(engine: try engine(), modelName: "gemma-3-270m", contextSize: 1024),
                    settings: settings)
    }

    /// The reply the engine gives on its own for the same history (a separate
    /// conversation and cache): the session must show exactly that text.
    private func directReply(_ messages: [ChatMessage], _ settings: GenerationSettings) throws -> (String, GenerationStats?) {
        let engine = try engine()
        let conversation = Conversation(model: engine.model, contextSize: 1024, system: settings.system)
        for m in messages {
            if m.role == .user { conversation.addUser(m.content) }
        }
        final class Box: @unchecked Sendable { var text = ""; var stats: GenerationStats? }
        let box = Box()
        engine.reply(to: conversation, settings: settings.sampling, maxTokens: settings.maxTokens) { event in
            if case .token(let t) = event { box.text += t.text }
            if case .finished(let s) = event { box.stats = s }
        }.wait()
        return (box.text, box.stats)
    }

    func testReplyStreamsIntoTheTranscriptAsTheEngineWouldAnswer() throws {
        let settings = GenerationSettings(sampling: .greedy, maxTokens: 12, system: "You are an expert radiologist.")
        let chat = try session(settings)
        final class Counter: @unchecked Sendable { var n = 0; let lock = NSLock() }
        let changes = Counter()
        final class Seen: @unchecked Sendable { var context: [Int] = []; let lock = NSLock() }
        let seen = Seen()
        chat.onChange = { [weak chat] in
            changes.lock.withLock { changes.n += 1 }
            if let s = chat?.snapshot(), s.isGenerating, s.liveTokens > 0 { seen.lock.withLock { seen.context.append(s.contextUsed) } }
        }
        try chat.send("  What does a chest X-ray show?  ")
        XCTAssertTrue(chat.snapshot().isGenerating)
        chat.waitUntilIdle()

        let (want, wantStats) = try directReply([ChatMessage(.user, "What does a chest X-ray show?")], settings)
        let s = chat.snapshot()
        XCTAssertFalse(s.isGenerating)
        XCTAssertEqual(s.entries.map(\.role), [.user, .model])
        XCTAssertEqual(s.entries[0].text, "What does a chest X-ray show?", "the message is sent trimmed")
        XCTAssertEqual(s.entries[1].text, want)
        XCTAssertTrue(s.entries[1].isComplete)
        let stats = try XCTUnwrap(s.lastStats)
        XCTAssertEqual(stats.generatedTokens, wantStats?.generatedTokens)
        XCTAssertEqual(stats.promptTokens, wantStats?.promptTokens, "the system instruction is in the prompt")
        XCTAssertEqual(s.entries[1].timing, Timing.line(stats))
        XCTAssertEqual(s.liveTokens, stats.generatedTokens)
        // The context figure follows the reply as it streams.
        XCTAssertEqual(s.contextUsed, stats.contextUsed)
        let live = seen.lock.withLock { seen.context }
        XCTAssertEqual(live.first, stats.promptTokens, "at the first token the context holds the prompt")
        XCTAssertEqual(live, live.sorted(), "and grows from there")
        // One change to start, one for the "prefill N tokens" line, one per token, one to finish.
        XCTAssertEqual(changes.lock.withLock { changes.n }, stats.generatedTokens + 3)
    }

    /// A follow-up runs only the tokens the cache does not hold: the new turn, and the
    /// reply's last token (sampled but never fed back).
    func testFollowUpRunsOnlyNewTokens() throws {
        let chat = try session(GenerationSettings(sampling: .greedy, maxTokens: 8))
        try chat.send("Name one bone of the arm.")
        chat.waitUntilIdle()
        let first = try XCTUnwrap(chat.snapshot().lastStats)
        try chat.send("And one of the leg?")
        chat.waitUntilIdle()
        let second = try XCTUnwrap(chat.snapshot().lastStats)

        let engine = try engine()
        let s = chat.snapshot()
        let history = s.entries.dropLast().map { ChatMessage($0.role == .user ? .user : .assistant, $0.text) }
        let all = engine.tokenizer.encode(try ChatTemplate.render(Array(history)), addBOS: true, parseSpecial: true)
        XCTAssertEqual(second.promptTokens, all.count)
        XCTAssertLessThan(second.processedPromptTokens, second.promptTokens - first.promptTokens + 2,
                          "the first turn came from the cache")
        XCTAssertGreaterThan(second.processedPromptTokens, 0)
    }

    func testCancelKeepsWhatArrivedMarkedIncomplete() throws {
        var settings = GenerationSettings(maxTokens: 400)
        settings.sampling.seed = 3
        let chat = try session(settings)
        chat.onChange = { [weak chat] in
            guard let chat else { return }
            if chat.snapshot().liveTokens >= 2 { chat.cancel() }
        }
        try chat.send("Write a long essay about the history of radiology.")
        chat.waitUntilIdle()
        let s = chat.snapshot()
        XCTAssertEqual(s.entries.map(\.role), [.user, .model, .note])
        XCTAssertFalse(s.entries[1].isComplete)
        XCTAssertEqual(s.entries[2].text, "reply cancelled")
        XCTAssertEqual(s.lastStats?.stopReason, .cancelled)
        XCTAssertLessThanOrEqual(s.lastStats?.generatedTokens ?? 99, 3, "cancel is honoured within one token")
    }

    /// Same seed, same history: regenerating gives the same reply, replacing the old one.
    func testRegenerateReplacesTheReply() throws {
        var settings = GenerationSettings(maxTokens: 10)
        settings.sampling.seed = 42
        let chat = try session(settings)
        XCTAssertThrowsError(try chat.regenerate()) { XCTAssertEqual($0 as? ChatSession.SessionError, .nothingToRegenerate) }
        try chat.send("Describe a normal heart size.")
        chat.waitUntilIdle()
        let first = chat.snapshot().entries
        try chat.regenerate()
        chat.waitUntilIdle()
        let second = chat.snapshot().entries
        XCTAssertEqual(second.count, 2)
        XCTAssertEqual(second[1].text, first[1].text)
        settings.sampling.seed = 7
        chat.settings = settings
        try chat.regenerate()
        chat.waitUntilIdle()
        XCTAssertEqual(chat.snapshot().entries.count, 2)
    }

    func testBusyEmptyAndClear() throws {
        let chat = try session(GenerationSettings(maxTokens: 200))
        XCTAssertThrowsError(try chat.send(" \n ")) { XCTAssertEqual($0 as? ChatSession.SessionError, .emptyMessage) }
        try chat.send("Tell me about MRI.")
        XCTAssertThrowsError(try chat.send("again")) { XCTAssertEqual($0 as? ChatSession.SessionError, .busy) }
        XCTAssertThrowsError(try chat.clear()) { XCTAssertEqual($0 as? ChatSession.SessionError, .busy) }
        chat.cancel()
        chat.waitUntilIdle()
        try chat.clear()
        XCTAssertEqual(chat.snapshot().entries, [])
    }

    func testExportCarriesTheNoteAndEveryTurn() throws {
        let chat = try session(GenerationSettings(sampling: .greedy, maxTokens: 5, system: "Be brief."))
        try chat.send("Hello")
        chat.waitUntilIdle()
        let reply = chat.snapshot().entries[1].text
        let md = chat.exportMarkdown()
        XCTAssertTrue(md.hasPrefix("# MedGemma chat\n\n> \(Disclaimer.text)\n\n**System:** Be brief.\n\n## You\n\nHello\n\n## Model\n\n\(reply)\n\n"), md)
        XCTAssertTrue(md.contains("<sub>prompt "))
    }
}
