import Foundation
import Gemma
import TestSupport
import Workstation
import XCTest
@testable import RemoteInference

/// The remote backend against a real OpenAI-compatible server: llama-cpp-python's serving
/// the default model (`OpenAIServer`; skipped when its venv is missing, unless
/// `MEDGEMMA_REQUIRE_SERVER=1`). Multi-turn chat, greedy agreement with the in-process
/// engine, cancel mid-reply, and a server killed mid-reply.
final class RemoteServerTests: XCTestCase {
    private func session(_ server: OpenAIServer, model: String, maxTokens: Int = 8) throws -> ChatSession {
        let backend = RemoteBackend(endpoint: try RemoteEndpoint(url: server.baseURL), model: model)
        return ChatSession(backend: backend, settings: GenerationSettings(sampling: .greedy, maxTokens: maxTokens))
    }

    private func waitForTokens(_ session: ChatSession, _ count: Int, timeout: Double = 60) {
        let deadline = Date().addingTimeInterval(timeout)
        while session.snapshot().liveTokens < count && session.snapshot().isGenerating && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// One turn of Tests/Fixtures/logits/llamacpp_server_chat.json.
    private struct ServerChatTurn: Decodable {
        let question: String
        let completion_tokens: Int
        let finish_reason: String
        let reply: String
    }

    /// Two greedy turns through a chat session, against what llama-cpp-python answers to the
    /// same two questions (Tools/make_server_chat_fixture.py; every step's top-2 margin is
    /// ≥ 0.6, and the server is that same library): each reply word for word and token for
    /// token. The second question alone gets another answer, so a matching second reply
    /// shows the first exchange was carried back. (The server's stream reports no usage, so
    /// the fixture's prompt sizes, 21 and 43 tokens, are not compared.)
    func testMultiTurnChat() throws {
        let model = try TestEnvironment.defaultModel()
        struct Fixture: Decodable {
            let turns: [ServerChatTurn]
            let second_alone: String
        }
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: TestEnvironment.fixture("logits/llamacpp_server_chat.json")))
        let turns = fixture.turns
        XCTAssertEqual(turns.count, 2)
        XCTAssertNotEqual(fixture.second_alone, turns[1].reply)
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let chat = try session(server, model: model)
        XCTAssertEqual(chat.backend.displayName, "gemma-3-270m-q4_k_m.gguf · \(server.baseURL)")
        var stats: [GenerationStats] = []
        for turn in turns {
            try chat.send(turn.question)
            chat.waitUntilIdle()
            stats.append(try XCTUnwrap(chat.snapshot().lastStats, turn.question))
        }
        let entries = chat.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .user, .model], "\(entries)")
        for (k, turn) in turns.enumerated() {
            let reply = entries[2 * k + 1]
            XCTAssertEqual(reply.text, turn.reply, turn.question)
            XCTAssertTrue(reply.isComplete)
            XCTAssertNotNil(reply.timing)
            XCTAssertEqual(turn.finish_reason, "length")
            XCTAssertEqual(stats[k].stopReason, .maxTokens, turn.question)
            XCTAssertEqual(stats[k].generatedTokens, turn.completion_tokens, turn.question)
        }
    }

    /// Greedy decoding through the server and in-process gives the same first words
    /// (llama.cpp and this engine agree on the argmax; see the oracle tests).
    func testGreedyAgreesWithInProcessEngine() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let question = "Name three organs of the human body."
        let remote = try session(server, model: model, maxTokens: 6)
        try remote.send(question)
        remote.waitUntilIdle()

        let engine = try Engine(path: model)
        let local = ChatSession(backend: LocalEngineBackend(engine: engine, modelName: "local", contextSize: 512),
                                settings: GenerationSettings(sampling: .greedy, maxTokens: 6))
        try local.send(question)
        local.waitUntilIdle()

        let words = { (s: ChatSession) in s.snapshot().entries[1].text.split(whereSeparator: \.isWhitespace).prefix(5).map(String.init) }
        XCTAssertFalse(words(local).isEmpty)
        XCTAssertEqual(words(remote), words(local))
    }

    /// Cancel mid-reply: the reply stops within a few tokens of the cancel (of 1500 asked
    /// for), the partial reply is kept and marked, and the server answers the next request.
    func testCancelMidReply() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let chat = try session(server, model: model, maxTokens: 1500)
        try chat.send("Count from 1 to 1000, separated by commas.")
        waitForTokens(chat, 3)
        XCTAssertTrue(chat.snapshot().isGenerating)
        let seen = chat.snapshot().liveTokens
        chat.cancel()
        chat.waitUntilIdle()
        // Only tokens already on their way (queued before the cancel) may still arrive.
        let stats = try XCTUnwrap(chat.snapshot().lastStats)
        XCTAssertEqual(stats.stopReason, .cancelled)
        XCTAssertLessThanOrEqual(chat.snapshot().liveTokens, seen + 4, "tokens after the cancel")
        let entries = chat.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .note])
        XCTAssertFalse(entries[1].text.isEmpty)
        XCTAssertFalse(entries[1].isComplete)

        var next = chat.settings
        next.maxTokens = 3
        chat.settings = next
        try chat.regenerate()
        chat.waitUntilIdle()
        XCTAssertEqual(chat.snapshot().entries.last?.role, .model)
        XCTAssertTrue(chat.snapshot().entries.last?.isComplete == true)
    }

    /// The server dies mid-reply: what arrived is kept, marked incomplete, with a one-line
    /// note; once a server is back on the same address, regenerate gives a whole reply.
    func testServerKilledMidReply() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        let chat = try session(server, model: model, maxTokens: 1500)
        try chat.send("Count from 1 to 1000, separated by commas.")
        waitForTokens(chat, 3)
        server.kill()
        let done = expectation(description: "reply ended")
        DispatchQueue.global().async { chat.waitUntilIdle(); done.fulfill() }
        wait(for: [done], timeout: 30)
        let entries = chat.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .note], "\(entries)")
        XCTAssertFalse(entries[1].text.isEmpty)
        XCTAssertFalse(entries[1].isComplete)
        XCTAssertTrue(entries[2].text.hasPrefix("the reply was cut off after "), entries[2].text)
        XCTAssertFalse(entries[2].text.contains("\n"))

        let again = try OpenAIServer(model: model, port: server.port)
        defer { again.stop() }
        var next = chat.settings
        next.maxTokens = 3
        chat.settings = next
        try chat.regenerate()
        chat.waitUntilIdle()
        let after = chat.snapshot().entries
        XCTAssertEqual(after.map(\.role), [.user, .model], "\(after)")
        XCTAssertTrue(after[1].isComplete)
    }

    /// The server's own 401 text comes through; the key does not.
    func testWrongKeyAgainstRealServer() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model, apiKey: "right-key-456")
        defer { server.stop() }
        let backend = RemoteBackend(endpoint: try RemoteEndpoint(url: server.baseURL, apiKey: APIKey("wrong-key-789")), model: model)
        let chat = ChatSession(backend: backend)
        try chat.send("Hello")
        chat.waitUntilIdle()
        let note = try XCTUnwrap(chat.snapshot().entries.last)
        XCTAssertEqual(note.role, .note)
        XCTAssertEqual(note.text, "the server refused the API key (401 Unauthorized: Invalid API key); check MEDGEMMA_API_KEY or the key file")
        XCTAssertFalse(chat.exportMarkdown().contains("wrong-key-789"))

        let good = RemoteBackend(endpoint: try RemoteEndpoint(url: server.baseURL, apiKey: APIKey("right-key-456")), model: model)
        let ok = ChatSession(backend: good, settings: GenerationSettings(sampling: .greedy, maxTokens: 2))
        try ok.send("Hello")
        ok.waitUntilIdle()
        XCTAssertEqual(ok.snapshot().entries.last?.role, .model)
    }
}
