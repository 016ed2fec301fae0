import Gemma

/// The `tokenizer` fuzz target: encoding any bytes, with and without special-token parsing,
/// must give ids of the vocabulary that decode back to the same bytes — byte fallback
/// keeps even invalid UTF-8 — and streaming those ids one at a time must give the same
/// text as decoding them at once. A difference is a crash (`precondition`), so libFuzzer
/// reports it like any other failure.
enum TokenizerFuzz {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let tokenizer = FuzzVocabulary.tokenizer
        let input = Array(bytes)
        for parseSpecial in [false, true] {
            let ids = tokenizer.encode(bytes: input, addBOS: true, parseSpecial: parseSpecial)
            precondition(ids.first == tokenizer.bos, "no BOS first")
            checkRoundTrip(ids.dropFirst(), of: input, tokenizer)
        }
        // Text as it reaches the tokenizer from the rest of the workstation: a String,
        // invalid bytes already U+FFFD.
        let text = String(decoding: bytes, as: UTF8.self)
        checkRoundTrip(tokenizer.encode(text, addBOS: false, parseSpecial: true)[...], of: Array(text.utf8), tokenizer)
    }

    /// `ids` decode to `input` (with rendered specials, "▁" and space counting as one),
    /// and the streamed decoding equals the whole one.
    static func checkRoundTrip(_ ids: ArraySlice<Int32>, of input: [UInt8], _ tokenizer: GemmaTokenizer) {
        precondition(ids.allSatisfy { $0 >= 0 && Int($0) < tokenizer.vocabularySize }, "an id outside the vocabulary")
        let decoded = tokenizer.decodeBytes(Array(ids), renderSpecial: true)
        precondition(spaced(decoded) == spaced(input), "decoding does not give back the encoded bytes")
        var stream = StreamingDecoder(tokenizer: tokenizer, renderSpecial: true)
        var streamed = ""
        for id in ids { streamed += stream.append(id) }
        streamed += stream.finish()
        precondition(streamed == String(decoding: decoded, as: UTF8.self), "streamed text differs from the decoded text")
    }

    /// The bytes with every "▁" (E2 96 81) made a space: the merger writes spaces as "▁"
    /// and a normal piece decodes "▁" as a space, so the two are the same text here.
    static func spaced(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + 2 < bytes.count, bytes[i] == 0xE2, bytes[i + 1] == 0x96, bytes[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
