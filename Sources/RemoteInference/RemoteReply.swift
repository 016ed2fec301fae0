import Foundation
import Support
import FoundationNetworking
import Gemma

/// One streamed chat completion, from the request to its one final event: sends the
/// request (again, after a pause, when it failed before the first token in a way worth
/// retrying), parses the event stream, turns content deltas into tokens, and ends with
/// `.finished` (stop reason from `finish_reason`, usage and client-side timings) or
/// `.failed` (one line; tokens that already arrived stay with the caller, who marks the
/// reply incomplete). A cancel closes the connection at once.
///
/// All state lives on one serial queue, which is also the URLSession delegate queue:
/// events are emitted there, in order.
final class RemoteReply: @unchecked Sendable {
    private let endpoint: RemoteEndpoint
    private let body: Data
    private let retry: RetryPolicy
    private let contextSize: Int?
    /// Context positions known used before this reply (the previous reply's usage), so the
    /// live count is a lower bound rather than zero.
    private let contextBaseline: Int
    private let handle: GenerationHandle
    private let onEvent: @Sendable (GenerationEvent) -> Void
    private let onUsage: @Sendable (Int) -> Void
    private let queue: OperationQueue

    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var attempt = 0
    private var transfer: HTTPTransfer?
    private var status = 0
    private var contentType = ""
    private var retryAfter: Double?
    private var errorBody = Data()
    private var parser = ServerSentEventParser()
    private var tokens = 0
    private var firstToken: Duration?
    private var lastToken: Duration?
    private var finishReason: String?
    private var sawDone = false
    private var usage: ChatCompletionChunk.Usage?
    private var timings: ChatCompletionChunk.Timings?
    private var ended = false

    init(endpoint: RemoteEndpoint, body: Data, retry: RetryPolicy, contextSize: Int?, contextBaseline: Int,
         handle: GenerationHandle, onEvent: @escaping @Sendable (GenerationEvent) -> Void,
         onUsage: @escaping @Sendable (Int) -> Void) {
        self.endpoint = endpoint
        self.body = body
        self.retry = retry
        self.contextSize = contextSize
        self.contextBaseline = contextBaseline
        self.handle = handle
        self.onEvent = onEvent
        self.onUsage = onUsage
        queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "medgemma.remote"
        start = clock.now
    }

    func begin() {
        handle.onCancel { [self] in queue.addOperation { self.cancelNow() } }
        queue.addOperation { self.send() }
    }

    /// Ends with `.failed` before anything was sent (e.g. an image that cannot be encoded).
    func fail(_ error: RemoteError) {
        queue.addOperation { self.end(.failed(error.description)) }
    }

    // MARK: - On the queue

    private func send() {
        guard !ended else { return }
        attempt += 1
        status = 0
        contentType = ""
        retryAfter = nil
        errorBody = Data()
        parser = ServerSentEventParser()
        let request = endpoint.request(endpoint.chatCompletionsURL, method: "POST", body: body, accept: "text/event-stream")
        let transfer = HTTPTransfer(request: request, timeout: endpoint.timeout, queue: queue) { [self] event in
            receive(event)
        }
        self.transfer = transfer
        if attempt == 1 { onEvent(.progress("waiting for \(endpoint)…")) }
        transfer.start()
    }

    private func receive(_ event: HTTPTransfer.Event) {
        guard !ended else { return }
        switch event {
        case .response(let status, let headers):
            self.status = status
            contentType = headers["content-type"] ?? ""
            retryAfter = headers["retry-after"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        case .data(let data):
            if !(200..<300).contains(status) {
                if errorBody.count < 64 << 10 { errorBody.append(data) }
                return
            }
            for sse in parser.feed(data) {
                process(sse)
                if ended { return }
            }
            if parser.overflowed {
                failNow(.malformedStream("an event is longer than \(ServerSentEventParser.maximumEventBytes >> 20) MB (a line that never ends?)"))
            }
        case .completed(let error):
            transfer = nil
            completed(error)
        }
    }

    private func process(_ event: ServerSentEvent) {
        if event.isDone {
            sawDone = true
            finish(reason: finishReason)
            return
        }
        let chunk: ChatCompletionChunk
        do {
            chunk = try JSONDecoder().decode(ChatCompletionChunk.self, from: Data(event.data.utf8))
        } catch {
            let start = event.data.prefix(80)
            failNow(.malformedStream("an event is not a chat completion chunk: '\(start)\(event.data.count > 80 ? "…" : "")'"))
            return
        }
        if let error = chunk.error {
            failNow(.serverError(redact(error.message ?? "unknown error")))
            return
        }
        if let usage = chunk.usage { self.usage = usage }
        if let timings = chunk.timings { self.timings = timings }
        for choice in chunk.choices ?? [] {
            if let text = choice.delta?.content, !text.isEmpty {
                let elapsed = clock.now - start
                if firstToken == nil { firstToken = elapsed }
                lastToken = elapsed
                onEvent(.token(GeneratedToken(id: -1, text: text, index: tokens, elapsed: elapsed,
                                              contextUsed: contextBaseline + tokens + 1)))
                tokens += 1
            }
            if let reason = choice.finish_reason { finishReason = reason }
        }
    }

    private func completed(_ error: Error?) {
        if !(200..<300).contains(status) && status != 0 {
            let message = ServerErrorText.extract(errorBody).map(redact)
            retryOrFail(.http(status: status, message: message, sentKey: endpoint.apiKey != nil))
            return
        }
        if let error {
            let remote = RemoteError(transportError: error, endpoint: endpoint)
            guard status != 0, case .network = remote else {
                if tokens > 0 {
                    failNow(.cutOff(tokens: tokens, detail: remote.description))
                } else {
                    retryOrFail(remote)
                }
                return
            }
            // The stream had begun and broke (the server died, a proxy dropped it); curl's
            // wording ("transfer closed with outstanding read data") says less than this.
            failNow(tokens > 0 ? .cutOff(tokens: tokens, detail: "the connection to \(endpoint) closed mid-reply")
                               : .connectionLost(server: endpoint.description))
            return
        }
        if finishReason != nil || sawDone {
            finish(reason: finishReason)
        } else if tokens > 0 {
            failNow(.cutOff(tokens: tokens, detail: "the server closed the stream before the reply ended"))
        } else if !contentType.isEmpty && !contentType.contains("text/event-stream") {
            failNow(.malformedStream("expected text/event-stream, got \(contentType)"))
        } else {
            failNow(.malformedStream("the stream ended without a reply"))
        }
    }

    private func retryOrFail(_ error: RemoteError) {
        let elapsed = Format.seconds(clock.now - start)
        guard tokens == 0, error.isRetryable,
              let wait = retry.delay(afterAttempt: attempt, elapsed: elapsed, retryAfter: retryAfter) else {
            failNow(error)
            return
        }
        onEvent(.progress("\(Self.short(error)); trying again in \(Format.fixed(wait, 1)) s…"))
        let queue = queue
        DispatchQueue.global().asyncAfter(deadline: .now() + wait) { [self] in
            queue.addOperation { self.send() }
        }
    }

    private static func short(_ error: RemoteError) -> String {
        switch error {
        case .connectionRefused: return "connection refused"
        case .http(let status, _, _): return "server answered \(status)"
        default: return error.description
        }
    }

    private func cancelNow() {
        guard !ended else { return }
        transfer?.cancel()
        end(.finished(stats(.cancelled)))
    }

    private func failNow(_ error: RemoteError) {
        transfer?.cancel()
        end(.failed(error.description))
    }

    private func finish(reason: String?) {
        let stop: StopReason
        switch reason {
        case "length": stop = .maxTokens
        default: stop = .endOfTurn  // "stop", "eos", a stop string, or [DONE] without one
        }
        let stats = stats(stop)
        onUsage(stats.contextUsed)
        // The server closes the connection after [DONE]; nothing more is needed from it.
        transfer?.cancel()
        end(.finished(stats))
    }

    private func end(_ event: GenerationEvent) {
        guard !ended else { return }
        ended = true
        onEvent(event)
        handle.markFinished()
    }

    private func stats(_ stop: StopReason) -> GenerationStats {
        var s = GenerationStats(stopReason: stop)
        s.generatedTokens = usage?.completion_tokens ?? tokens
        s.promptTokens = usage?.prompt_tokens ?? timings?.prompt_n ?? 0
        s.processedPromptTokens = timings?.prompt_n ?? s.promptTokens
        s.timeToFirstToken = firstToken ?? .zero
        // Client-side: from the request to the first token (network included), unless the
        // server measured its prompt processing itself (llama-server's timings).
        s.prefill = timings?.prompt_ms.map { .milliseconds($0) } ?? s.timeToFirstToken
        if let first = firstToken, let last = lastToken { s.decode = last - first }
        s.contextUsed = s.promptTokens > 0 ? s.promptTokens + s.generatedTokens : contextBaseline + tokens
        s.contextSize = contextSize ?? 0
        return s
    }

    private func redact(_ text: String) -> String {
        endpoint.apiKey?.redacting(text) ?? text
    }
}
