/// Token-by-token decoding for streaming output that never emits part of a UTF-8 sequence
/// (ENGINE.md §5.4 D6).
///
/// Byte-fallback characters arrive as several tokens (an emoji outside the vocabulary is
/// four `<0xXX>` tokens). Each `append` adds the token's bytes to a buffer and returns the
/// longest prefix that ends on a character boundary; the one to three bytes of a sequence
/// that is still valid but incomplete wait for the next token. Bytes that can never become
/// valid (a stray continuation byte, an impossible lead byte, a sequence broken by the next
/// byte) are emitted at once as U+FFFD. `finish()` flushes what is left, with U+FFFD for an
/// incomplete tail.
///
/// Boundaries are Unicode scalars, not grapheme clusters: a ZWJ emoji sequence streams out
/// scalar by scalar, each one complete.
public struct StreamingDecoder: Sendable {
    public let tokenizer: GemmaTokenizer
    /// Whether CONTROL tokens (`<start_of_turn>`, `<eos>` …) are written as their text.
    public let renderSpecial: Bool
    private var pending: [UInt8] = []

    public init(tokenizer: GemmaTokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Bytes held back because they end in an incomplete UTF-8 sequence (0…3).
    public var pendingByteCount: Int { pending.count }

    /// Adds one token; returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        append(bytes: tokenizer.pieceBytes(id, renderSpecial: renderSpecial))
    }

    /// Adds several tokens; returns the text that is now complete.
    public mutating func append(_ ids: [Int32]) -> String {
        var out = ""
        for id in ids { out += append(id) }
        return out
    }

    /// Adds raw bytes; returns the text that is now complete.
    public mutating func append<Bytes: Sequence>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        pending.append(contentsOf: bytes)
        let keep = Self.incompleteSuffixLength(pending)
        let ready = pending.count - keep
        guard ready > 0 else { return "" }
        let text = String(decoding: pending[0..<ready], as: UTF8.self)
        pending.removeFirst(ready)
        return text
    }

    /// Ends the stream: returns the held-back bytes (U+FFFD for an incomplete sequence)
    /// and empties the buffer.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(decoding: pending, as: UTF8.self)
    }

    /// Length of the trailing bytes that form a valid but incomplete UTF-8 sequence (the
    /// start of a character that more bytes could complete), else 0.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        let n = bytes.count
        // Find the last byte that is not a continuation byte, at most 3 back.
        var lead = n - 1
        while lead >= 0 && lead >= n - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0, lead >= n - 4 else { return 0 }
        let first = bytes[lead]
        let needed: Int
        switch first {
        case 0xC2...0xDF: needed = 2
        case 0xE0...0xEF: needed = 3
        case 0xF0...0xF4: needed = 4
        default: return 0 // ASCII, or a byte that can never start a character
        }
        let have = n - lead
        guard have < needed else { return 0 } // complete (or over-long: invalid, emit)
        if have >= 2 {
            // The second byte's allowed range depends on the lead (no overlongs, no
            // surrogates, nothing above U+10FFFF).
            let second = bytes[lead + 1]
            let range: ClosedRange<UInt8>
            switch first {
            case 0xE0: range = 0xA0...0xBF
            case 0xED: range = 0x80...0x9F
            case 0xF0: range = 0x90...0xBF
            case 0xF4: range = 0x80...0x8F
            default: range = 0x80...0xBF
            }
            guard range.contains(second) else { return 0 }
        }
        return have
    }
}
