import Foundation
import Gemma
import TestSupport
import Workstation
import XCTest
@testable import RemoteInference

/// The remote backend against a stub server that answers with canned bytes: the error
/// paths a real server does not produce on demand (401 with its text, 503 then success,
/// a stream cut off, malformed events, silence, nobody listening), and what a chat
/// session makes of each.
final class RemoteBackendTests: XCTestCase {
    private let key = "sk-secret-123"

    private func backend(_ url: String, key: String? = nil, timeout: Double = 10,
                         retry: RetryPolicy = RetryPolicy(attempts: 3, initialDelay: 0.05, maxDelay: 0.2, budget: 5)) throws -> RemoteBackend {
        RemoteBackend(endpoint: try RemoteEndpoint(url: url, apiKey: key.map(APIKey.init), timeout: timeout), model: "stub-model", retry: retry)
    }

    /// Sends one message through a chat session and waits (bounded) for the reply to end.
    private func chat(_ backend: RemoteBackend, _ text: String = "Hello?", timeout: Double = 20) throws -> ChatSession {
        let session = ChatSession(backend: backend, settings: GenerationSettings(sampling: .greedy, maxTokens: 16))
        try session.send(text)
        let done = expectation(description: "reply ended")
        DispatchQueue.global().async { session.waitUntilIdle(); done.fulfill() }
        wait(for: [done], timeout: timeout)
        return session
    }

    func testStreamedReplyWithUsage() throws {
        let stub = try StubHTTPServer(always: .events([
            #"{"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}"#,
            StubHTTPServer.Response.chunk("Pneumo"), StubHTTPServer.Response.chunk("thorax"),
            StubHTTPServer.Response.chunk(" ✓", finish: "stop"),
            #"{"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3}}"#,
        ], delay: 0.02))
        let session = try chat(try backend(stub.baseURL, key: key))
        let snapshot = session.snapshot()
        XCTAssertEqual(snapshot.entries.map(\.role), [.user, .model])
        XCTAssertEqual(snapshot.entries[1].text, "Pneumothorax ✓")
        XCTAssertTrue(snapshot.entries[1].isComplete)
        let stats = try XCTUnwrap(snapshot.lastStats)
        XCTAssertEqual(stats.stopReason, .endOfTurn)
        XCTAssertEqual(stats.promptTokens, 11)
        XCTAssertEqual(stats.generatedTokens, 3)
        XCTAssertEqual(stats.contextUsed, 14)
        XCTAssertGreaterThan(stats.timeToFirstToken, .zero)
        // The request: streamed, the model, the key in the header only.
        let request = try XCTUnwrap(stub.requests.first)
        XCTAssertTrue(request.hasPrefix("POST /v1/chat/completions HTTP/1.1"), request)
        XCTAssertTrue(request.contains("Authorization: Bearer \(key)") || request.contains("authorization: Bearer \(key)"), request)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(request[request.range(of: "\r\n\r\n")!.upperBound...].utf8)) as? [String: Any])
        XCTAssertEqual(body["model"] as? String, "stub-model")
        XCTAssertEqual(body["stream"] as? Bool, true)
        XCTAssertEqual(body["temperature"] as? Double, 0)
    }

    func testLengthFinishIsTokenLimit() throws {
        let stub = try StubHTTPServer(always: .events([StubHTTPServer.Response.chunk("a"), StubHTTPServer.Response.chunk("b", finish: "length")]))
        let session = try chat(try backend(stub.baseURL))
        XCTAssertEqual(session.snapshot().lastStats?.stopReason, .maxTokens)
        XCTAssertTrue(session.snapshot().entries[1].isComplete)
    }

    /// 401: one line with the server's own text; the key it echoes is removed, and neither
    /// the note nor the exported transcript holds it. No retry.
    func testUnauthorizedShowsServerTextWithoutKey() throws {
        let stub = try StubHTTPServer(always: .json("401 Unauthorized", #"{"error":{"message":"Invalid API key sk-secret-123","type":"auth"}}"#))
        let session = try chat(try backend(stub.baseURL, key: key))
        let entries = session.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .note])
        XCTAssertEqual(entries[1].text, "the server refused the API key (401 Unauthorized: Invalid API key <api key hidden>); check MEDGEMMA_API_KEY or the key file")
        XCTAssertFalse(session.exportMarkdown().contains(key))
        XCTAssertEqual(stub.requests.count, 1)
    }

    func testServerErrorsAreOneLine() throws {
        let cases: [(StubHTTPServer.Response, String)] = [
            (.json("404 Not Found", #"{"error":{"message":"The model `stub-model` does not exist."}}"#), "not found on the server (404 Not Found: The model `stub-model` does not exist.)"),
            (.json("500 Internal Server Error", #"{"detail":"boom"}"#), "the server failed (500 Internal Server Error: boom)"),
            (.json("400 Bad Request", "plain words"), "the server answered 400 Bad Request: plain words"),
            (.events(["not json"]), "the server sent a malformed event stream: an event is not a chat completion chunk: 'not json'"),
            (.events([#"{"error":{"message":"CUDA out of memory"}}"#]), "the server reported an error: CUDA out of memory"),
            (.json("200 OK", #"{"choices":[]}"#), "the server sent a malformed event stream: expected text/event-stream, got application/json"),
        ]
        for (response, message) in cases {
            let stub = try StubHTTPServer(always: response)
            let entries = try chat(try backend(stub.baseURL)).snapshot().entries
            XCTAssertEqual(entries.last?.role, .note)
            XCTAssertTrue(entries.last?.text.hasPrefix(message) == true, "\(entries.last?.text ?? "")")
            XCTAssertFalse(entries.last?.text.contains("\n") == true)
        }
    }

    /// 503 and 429 before the first token are tried again; the third answer succeeds.
    func testRetriesBusyServerThenSucceeds() throws {
        let stub = try StubHTTPServer { index, _ in
            switch index {
            case 0: return .json("503 Service Unavailable", #"{"error":{"message":"loading model"}}"#)
            case 1: return .json("429 Too Many Requests", "slow down")
            default: return .events([StubHTTPServer.Response.chunk("ok", finish: "stop")])
            }
        }
        let session = try chat(try backend(stub.baseURL))
        XCTAssertEqual(session.snapshot().entries.last?.text, "ok")
        XCTAssertEqual(stub.requests.count, 3)
    }

    func testRetriesAreBounded() throws {
        let stub = try StubHTTPServer(always: .json("503 Service Unavailable", "busy"))
        let entries = try chat(try backend(stub.baseURL)).snapshot().entries
        XCTAssertEqual(stub.requests.count, 3)
        XCTAssertEqual(entries.last?.text, "the server failed (503 Service Unavailable: busy)")
    }

    /// A stream that stops mid-reply keeps what arrived, marked incomplete, with a clear note;
    /// regenerating asks again and gets a whole reply.
    func testCutOffStreamKeepsPartialReplyAndRegenerates() throws {
        let stub = try StubHTTPServer { index, _ in
            index == 0 ? .events([StubHTTPServer.Response.chunk("The heart"), StubHTTPServer.Response.chunk(" is")], done: false)
                : .events([StubHTTPServer.Response.chunk("The heart is enlarged.", finish: "stop")])
        }
        let session = try chat(try backend(stub.baseURL))
        var entries = session.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .note])
        XCTAssertEqual(entries[1].text, "The heart is")
        XCTAssertFalse(entries[1].isComplete)
        XCTAssertTrue(entries[2].text.hasPrefix("the reply was cut off after 2 tokens (the server closed the stream before the reply ended)"), entries[2].text)
        XCTAssertTrue(session.exportMarkdown().contains("*(incomplete)*"))

        try session.regenerate()
        session.waitUntilIdle()
        entries = session.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model])
        XCTAssertEqual(entries[1].text, "The heart is enlarged.")
        XCTAssertTrue(entries[1].isComplete)
    }

    /// A server that sends a line without end: the reply stops at the parser's limit with one
    /// line, what arrived before it kept, memory bounded.
    func testEndlessLineEndsTheReplyInOneLine() throws {
        let megabyte = String(repeating: "a", count: 1 << 20)
        let stub = try StubHTTPServer { _, _ in
            StubHTTPServer.Response(pieces: [(0, "data: \(StubHTTPServer.Response.chunk("The heart"))\n\n"), (0, "data: ")]
                                    + Array(repeating: (delay: 0, bytes: megabyte), count: 8), hang: true)
        }
        let entries = try chat(try backend(stub.baseURL)).snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .note])
        XCTAssertEqual(entries[1].text, "The heart")
        XCTAssertEqual(entries[2].text, "the server sent a malformed event stream: an event is longer than 4 MB (a line that never ends?)")
    }

    /// Every event of one reply straight from the backend, waiting (bounded) for its end.
    private func replyEvents(_ backend: RemoteBackend, timeout: Double = 20) -> [GenerationEvent] {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var events: [GenerationEvent] = []
        }
        let log = Log()
        let handle = backend.reply(to: [BackendMessage(.user, "Hello?")], settings: GenerationSettings(sampling: .greedy, maxTokens: 16)) { event in
            log.lock.withLock { log.events.append(event) }
        }
        let done = expectation(description: "reply ended")
        DispatchQueue.global().async { handle.wait(); done.fulfill() }
        wait(for: [done], timeout: timeout)
        return log.lock.withLock { log.events }
    }

    /// Nobody listening: tried as often as the policy says (three attempts: two retries,
    /// each announced), then one line that says what to check.
    func testConnectionRefusedIsRetriedThenReported() throws {
        let port = try OpenAIServer.freePort()
        let url = "http://127.0.0.1:\(port)/v1"
        let message = "cannot connect to \(url): connection refused (is the server running and listening on that port?)"
        let events = replyEvents(try backend(url))
        let retries = events.filter { event in
            if case .progress(let line) = event { return line.hasPrefix("connection refused; trying again in ") }
            return false
        }
        XCTAssertEqual(retries.count, 2, "\(events)")
        guard case .failed(let failure)? = events.last else { return XCTFail("\(events)") }
        XCTAssertEqual(failure, message)
        let entries = try chat(try backend(url)).snapshot().entries
        XCTAssertEqual(entries.last?.text, message)
    }

    /// A server that never answers: the reply ends with the timeout's message after one
    /// request (a timeout is not retried: the server may still be working on it).
    func testSilentServerTimesOut() throws {
        let stub = try StubHTTPServer(always: StubHTTPServer.Response(hang: true))
        defer { stub.stop() }
        let entries = try chat(try backend(stub.baseURL, timeout: 1)).snapshot().entries
        XCTAssertEqual(entries.last?.text, "\(stub.baseURL) did not answer within 1 s (timed out; raise 'timeout' in the config for slow servers)")
        XCTAssertEqual(stub.requests.count, 1)
    }

    /// https:// to a plain-HTTP server: the TLS handshake fails, and the message says TLS.
    func testTLSFailure() throws {
        let stub = try StubHTTPServer(always: .json("200 OK", "{}"))
        let url = "https://127.0.0.1:\(stub.port)/v1"
        let entries = try chat(try backend(url)).snapshot().entries
        XCTAssertTrue(entries.last?.text.hasPrefix("TLS failed with \(url): ") == true, entries.last?.text ?? "")
    }

    func testUnknownHost() throws {
        let entries = try chat(try backend("http://no-such-host.invalid/v1")).snapshot().entries
        XCTAssertEqual(entries.last?.text, "cannot find the server 'no-such-host.invalid' (DNS lookup failed; check the host name)")
    }

    /// Cancel closes the stream at once, not at the server's next token.
    func testCancelClosesTheStreamAtOnce() throws {
        let pieces = (0..<100).map { StubHTTPServer.Response.chunk("w\($0) ") }
        let stub = try StubHTTPServer(always: .events(pieces, delay: 0.5))
        let session = ChatSession(backend: try backend(stub.baseURL))
        try session.send("Count")
        let deadline = Date().addingTimeInterval(10)
        while session.snapshot().liveTokens < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let seen = session.snapshot().liveTokens
        XCTAssertGreaterThanOrEqual(seen, 2)
        session.cancel()
        session.waitUntilIdle()
        // The server, pausing 0.5 s before each piece, sees the connection close before it
        // sends the next one: as many pieces sent as tokens seen at the cancel.
        let closing = Date().addingTimeInterval(10)
        while stub.piecesSent(beforeClientClosed: 0) == nil && Date() < closing { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertEqual(stub.piecesSent(beforeClientClosed: 0), seen, "pieces the server had sent when the client hung up")
        XCTAssertEqual(session.snapshot().liveTokens, seen)
        let entries = session.snapshot().entries
        XCTAssertEqual(entries.map(\.role), [.user, .model, .note])
        XCTAssertFalse(entries[1].isComplete)
        XCTAssertEqual(entries[2].text, "reply cancelled")
        XCTAssertEqual(session.snapshot().lastStats?.stopReason, .cancelled)
    }

    func testModelDiscovery() throws {
        let one = try StubHTTPServer(always: .json("200 OK", #"{"object":"list","data":[{"id":"google/medgemma-27b-it","max_model_len":8192}]}"#))
        let backend = try RemoteBackend.connect(try RemoteEndpoint(url: one.baseURL), model: nil)
        XCTAssertEqual(backend.model, "google/medgemma-27b-it")
        XCTAssertEqual(backend.contextSize, 8192)
        XCTAssertEqual(backend.displayName, "google/medgemma-27b-it · \(one.baseURL)")
        XCTAssertTrue(one.requests[0].hasPrefix("GET /v1/models HTTP/1.1"))

        let two = try StubHTTPServer(always: .json("200 OK", #"{"data":[{"id":"a"},{"id":"b"}]}"#))
        XCTAssertThrowsError(try RemoteBackend.connect(try RemoteEndpoint(url: two.baseURL), model: nil)) { error in
            XCTAssertEqual("\(error)", "the server serves 2 models (a, b): choose one with --remote-model NAME")
        }
        let path = RemoteBackend(endpoint: try RemoteEndpoint(url: two.baseURL), model: "/models/gemma-3-270m.gguf")
        XCTAssertEqual(path.displayName, "gemma-3-270m.gguf · \(two.baseURL)")
    }
}
