import Foundation
import Gemma
import RemoteInference
import TestSupport
import XCTest
@testable import Workstation

/// `ChatSession.prepareContext()` over the real default model: a study's case context is
/// prefilled while the user types, the question then gives the reply (and the prompt) a
/// cold chat gives, a question sent during the preparation continues from what is ready,
/// and a server backend does nothing ahead.
final class ChatSessionPreparationTests: XCTestCase {
    private static var sharedEngine: Engine?

    private func engine() throws -> Engine {
        if let e = Self.sharedEngine { return e }
        let e = try Engine(path: TestEnvironment.defaultModel())
        Self.sharedEngine = e
        return e
    }

    /// The case context of a shipped sample, as the workstation makes it (about 400 tokens).
    private func caseSettings() throws -> GenerationSettings {
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let study = try XCTUnwrap(library.studies.first { $0.folderName == "cxr-01" })
        return GenerationSettings(sampling: .greedy, maxTokens: 12, system: try XCTUnwrap(study.context).systemInstruction)
    }

    private func session(_ settings: GenerationSettings) throws -> (ChatSession, LocalEngineBackend) {
        let backend = LocalEngineBackend(engine: try engine(), modelName: "gemma-3-270m", contextSize: 2048)
        return (ChatSession(backend: backend, settings: settings), backend)
    }

    private func ask(_ chat: ChatSession, _ question: String) throws -> (text: String, stats: GenerationStats) {
        try chat.send(question)
        chat.waitUntilIdle()
        let s = chat.snapshot()
        XCTAssertEqual(s.entries.map(\.role), [.user, .model], s.entries.last?.text ?? "")
        return (s.entries.last?.text ?? "", try XCTUnwrap(s.lastStats))
    }

    func testAPreparedChatAnswersAsAColdOneRunningOnlyTheQuestion() throws {
        let settings = try caseSettings()
        let question = "Is the heart enlarged?"
        let (cold, _) = try session(settings)
        let want = try ask(cold, question)

        let (chat, _) = try session(settings)
        final class Lines: @unchecked Sendable { var seen: [String] = []; let lock = NSLock() }
        let lines = Lines()
        chat.onChange = { [weak chat] in
            if let line = chat?.snapshot().activity { lines.lock.withLock { lines.seen.append(line) } }
        }
        chat.prepareContext()
        chat.waitUntilPrepared()
        let prepared = chat.snapshot()
        XCTAssertFalse(prepared.isPreparingContext)
        XCTAssertNil(prepared.activity)
        XCTAssertEqual(prepared.entries, [], "nothing in the transcript")
        XCTAssertGreaterThanOrEqual(prepared.contextUsed, 256, "the case context is in the cache")
        let seen = lines.lock.withLock { lines.seen }
        XCTAssertTrue(seen.contains { $0.hasPrefix("preparing case context… ") && $0.hasSuffix(" tokens") }, "\(seen)")

        let got = try ask(chat, question)
        XCTAssertEqual(got.text, want.text)
        XCTAssertEqual(got.stats.promptTokens, want.stats.promptTokens, "the same prompt")
        XCTAssertEqual(got.stats.processedPromptTokens, want.stats.promptTokens - prepared.contextUsed)
        XCTAssertLessThan(got.stats.processedPromptTokens, 32 + 128 + 25, "only the end of the context, the question and the template ran")
        XCTAssertTrue(chat.snapshot().entries[1].timing?.contains("first token after") == true)
        XCTAssertTrue(chat.snapshot().entries[1].timing?.contains("(+\(prepared.contextUsed) cached)") == true)
    }

    /// The question is sent while the context is still being prepared (its first chunk of
    /// 128 tokens done): the preparation stops there, the reply continues from what it
    /// left, and the answer is the cold one.
    func testAQuestionSentDuringThePreparationContinuesFromIt() throws {
        let settings = try caseSettings()
        let question = "Describe the lung fields."
        let (cold, _) = try session(settings)
        let want = try ask(cold, question)

        let (chat, _) = try session(settings)
        // The engine is held after its first chunk until the question has been sent.
        let firstChunk = DispatchSemaphore(value: 0), sent = DispatchSemaphore(value: 0)
        final class Once: @unchecked Sendable { var done = false; let lock = NSLock() }
        let once = Once()
        chat.onChange = { [weak chat] in
            guard let line = chat?.snapshot().activity, line.hasPrefix("preparing case context… 1"),
                  once.lock.withLock({ () -> Bool in defer { once.done = true }; return !once.done }) else { return }
            firstChunk.signal()
            sent.wait()
        }
        chat.prepareContext()
        XCTAssertEqual(firstChunk.wait(timeout: .now() + 60), .success)
        XCTAssertTrue(chat.snapshot().isPreparingContext)
        try chat.send(question)
        XCTAssertFalse(chat.snapshot().isPreparingContext, "the message took over")
        sent.signal()
        chat.waitUntilIdle()
        chat.waitUntilPrepared()
        let s = chat.snapshot()
        XCTAssertEqual(s.entries.map(\.role), [.user, .model])
        XCTAssertEqual(s.entries[1].text, want.text)
        let stats = try XCTUnwrap(s.lastStats)
        XCTAssertEqual(stats.promptTokens, want.stats.promptTokens)
        XCTAssertEqual(stats.processedPromptTokens, want.stats.promptTokens - 128,
                       "the preparation stopped after its first chunk, and the reply used it")
        XCTAssertFalse(s.isPreparingContext)
        XCTAssertNil(s.activity)
    }

    /// Preparing again what the cache holds (a new chat on the same case after a reply)
    /// runs nothing; a chat without a system instruction or turns prepares nothing.
    func testNothingToPrepare() throws {
        let settings = try caseSettings()
        let (chat, backend) = try session(settings)
        _ = try ask(chat, "Is the heart enlarged?")
        let again = ChatSession(backend: backend, settings: settings)
        final class Stats: @unchecked Sendable { var value: GenerationStats? }
        let result = Stats()
        backend.prepare(after: [], settings: settings) { if case .finished(let s) = $0 { result.value = s } }?.wait()
        XCTAssertEqual(result.value?.processedPromptTokens, 0)
        again.prepareContext()
        again.waitUntilPrepared()
        XCTAssertFalse(again.snapshot().isPreparingContext)

        let (bare, _) = try session(GenerationSettings(sampling: .greedy, maxTokens: 4))
        bare.prepareContext()
        XCTAssertFalse(bare.snapshot().isPreparingContext)
        XCTAssertEqual(bare.snapshot().revision, 0)
    }

    /// A server keeps its own cache: nothing is sent ahead and nothing changes.
    func testARemoteBackendPreparesNothing() throws {
        let backend = RemoteBackend(endpoint: try RemoteEndpoint(url: "http://127.0.0.1:9/v1"), model: "none")
        let chat = ChatSession(backend: backend, settings: try caseSettings())
        XCTAssertNil(backend.prepare(after: [], settings: chat.settings) { _ in XCTFail("no events") })
        chat.prepareContext()
        let s = chat.snapshot()
        XCTAssertFalse(s.isPreparingContext)
        XCTAssertNil(s.activity)
        XCTAssertEqual(s.revision, 0)
    }
}
