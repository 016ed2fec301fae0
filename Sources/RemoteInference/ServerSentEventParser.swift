/// Splits a byte stream into server-sent events, however the network cuts it into chunks.
///
/// Why bytes and not strings: a chunk may end inside a multi-byte UTF-8 character or
/// between the CR and LF of a line ending, so text is decoded only once a whole line is
/// there. Follows the HTML spec's parsing rules: lines end in LF, CR or CRLF; a line
/// starting with `:` is a comment (servers send them as keep-alives); `field: value`
/// drops one space after the colon; `data` lines accumulate; a blank line ends the event;
/// an event with no data is not dispatched; a trailing incomplete event is dropped.
///
/// A hostile or broken server may send a line that never ends, or data lines without the
/// blank line that ends an event: past `maximumEventBytes` the parser keeps nothing more,
/// sets `overflowed`, and the caller ends the reply with one line instead of growing
/// without bound.
public struct ServerSentEventParser: Sendable {
    /// The most bytes one event may hold (its lines so far and the current one): far more
    /// than any chat-completion chunk.
    public static let maximumEventBytes = 4 << 20
    /// An event (or a line) went past `maximumEventBytes`; nothing after it is parsed.
    public private(set) var overflowed = false
    /// Bytes held for the event in progress (its data lines).
    private var eventBytes = 0
    private var line: [UInt8] = []
    /// The last byte was a CR: an LF that follows belongs to the same line ending.
    private var afterCR = false
    private var data: [String] = []
    private var type: String?
    private var id: String?
    /// Whether any byte arrived since the last complete event (for "cut off" checks).
    public private(set) var hasPartialEvent = false
    /// Whether the byte-order mark at the very start was already checked.
    private var started = false

    public init() {}

    /// Feeds the next bytes of the stream; returns the events they complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [ServerSentEvent] where Bytes.Element == UInt8 {
        var events: [ServerSentEvent] = []
        guard !overflowed else { return events }
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                afterCR = true
                endLine(into: &events)
            case 0x0A:
                endLine(into: &events)
            default:
                guard line.count + eventBytes < Self.maximumEventBytes else {
                    overflowed = true
                    line = []
                    data = []
                    return events
                }
                line.append(byte)
                hasPartialEvent = true
            }
        }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if !started {
            started = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        if bytes.isEmpty {
            if !data.isEmpty {
                events.append(ServerSentEvent(type: type, data: data.joined(separator: "\n"), id: id))
            }
            data.removeAll()
            eventBytes = 0
            type = nil
            hasPartialEvent = false
            return
        }
        hasPartialEvent = true
        if bytes.first == UInt8(ascii: ":") { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data":
            data.append(String(value))
            eventBytes += value.utf8.count + 1
        case "event": type = String(value)
        case "id": id = String(value)
        default: break  // "retry" and unknown fields are ignored
        }
    }
}
