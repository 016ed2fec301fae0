import Glibc
import Foundation

/// A tiny HTTP server on 127.0.0.1 that answers each request with canned bytes, for the
/// remote backend's error paths (401, 503, a stream cut off, a server that never answers)
/// that a real server will not produce on demand. It records every request it received.
public final class StubHTTPServer: @unchecked Sendable {
    /// What to send back: a status line and headers, then body pieces with pauses before
    /// them; `hang` keeps the connection open without a byte until the server stops.
    /// Pieces are bytes: a server may send what no String holds (invalid UTF-8, a
    /// character cut in two between pieces).
    public struct Response: Sendable {
        public var status: String
        public var headers: [String]
        public var pieces: [(delay: Double, bytes: [UInt8])]
        public var hang: Bool

        public init(status: String = "200 OK", headers: [String] = ["Content-Type: text/event-stream"],
                    pieces: [(delay: Double, bytes: String)] = [], hang: Bool = false) {
            self.init(status: status, headers: headers, bytePieces: pieces.map { ($0.delay, Array($0.bytes.utf8)) }, hang: hang)
        }

        public init(status: String = "200 OK", headers: [String] = ["Content-Type: text/event-stream"],
                    bytePieces: [(delay: Double, bytes: [UInt8])], hang: Bool = false) {
            self.status = status
            self.headers = headers
            self.pieces = bytePieces
            self.hang = hang
        }

        /// An event stream: each string one `data:` event, sent `delay` seconds apart.
        public static func events(_ data: [String], delay: Double = 0, done: Bool = true) -> Response {
            var pieces = data.map { (delay: delay, bytes: "data: \($0)\n\n") }
            if done { pieces.append((delay: 0, bytes: "data: [DONE]\n\n")) }
            return Response(pieces: pieces)
        }

        /// A JSON body with a status.
        public static func json(_ status: String, _ body: String) -> Response {
            Response(status: status, headers: ["Content-Type: application/json"], pieces: [(0, body)])
        }

        /// An OpenAI chunk carrying one piece of content (and optionally a finish reason).
        public static func chunk(_ content: String?, finish: String? = nil) -> String {
            let text = content.map { "{\"content\": \(Self.quoted($0))}" } ?? "{}"
            let reason = finish.map { "\"\($0)\"" } ?? "null"
            return "{\"choices\": [{\"index\": 0, \"delta\": \(text), \"finish_reason\": \(reason)}]}"
        }

        static func quoted(_ s: String) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast().description
        }
    }

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    private let listener: Int32
    private let responder: @Sendable (Int, String) -> Response
    private let lock = NSLock()
    private var recorded: [String] = []
    private var closedAfter: [Int: Int] = [:]
    private var stopped = false

    /// `responder` gets the request's index (0 for the first) and its text (head and body).
    public init(_ responder: @escaping @Sendable (Int, String) -> Response) throws {
        self.responder = responder
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Always answers with the same response.
    public convenience init(always response: Response) throws {
        try self.init { _, _ in response }
    }

    deinit { stop() }

    /// The requests received so far (head and body as text).
    public var requests: [String] { lock.withLock { recorded } }

    /// How many body pieces request `index` had been sent when its client closed the
    /// connection during a pause; nil while it has not. Lets a test say *when* a client
    /// hung up (before or after the next piece) by counting, not by the clock.
    public func piecesSent(beforeClientClosed index: Int) -> Int? { lock.withLock { closedAfter[index] } }

    public func stop() {
        let already = lock.withLock { () -> Bool in
            defer { stopped = true }
            return stopped
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        var index = 0
        while !isStopped {
            let client = accept(listener, nil, nil)
            if client < 0 { if isStopped { return } else { continue } }
            let n = index
            index += 1
            Thread { [self] in serve(client, index: n) }.start()
        }
    }

    private func serve(_ client: Int32, index: Int) {
        defer { close(client) }
        guard let request = readRequest(client) else { return }
        lock.withLock { recorded.append(request) }
        let response = responder(index, request)
        var head = "HTTP/1.1 \(response.status)\r\nConnection: close\r\n"
        for header in response.headers { head += header + "\r\n" }
        head += "\r\n"
        guard write(client, Array(head.utf8)) else { return }
        for (sent, piece) in response.pieces.enumerated() {
            if piece.delay > 0 && clientCloses(client, within: piece.delay) {
                lock.withLock { closedAfter[index] = sent }
                return
            }
            if isStopped || !write(client, piece.bytes) { return }
        }
        while response.hang && !isStopped { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// Waits up to `seconds`; true as soon as the client closes its end (a read of 0 bytes).
    private func clientCloses(_ client: Int32, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return false }
            var fd = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&fd, 1, Int32(min(left, 1) * 1000) + 1) > 0 else { continue }
            var byte: UInt8 = 0
            let n = recv(client, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) { return true }
            // More bytes from the client (none expected): keep to the pause without spinning.
            Thread.sleep(forTimeInterval: min(left, 0.01))
        }
    }

    /// Reads the head and a `Content-Length` body.
    private func readRequest(_ client: Int32) -> String? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var expected: Int?
        while true {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return data.isEmpty ? nil : String(decoding: data, as: UTF8.self) }
            data += buffer[0..<n]
            // A TLS ClientHello (https:// to this plain server): answer in plain HTTP at
            // once, which the client's TLS layer rejects, as a real mismatch does.
            if data.first == 0x16 { return "<TLS handshake>" }
            if expected == nil, let end = data.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = end.upperBound + length
            }
            if let expected, data.count >= expected { return String(decoding: data, as: UTF8.self) }
        }
    }

    private func write(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }
}
