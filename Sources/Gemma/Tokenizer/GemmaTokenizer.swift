import GGUF

/// The Gemma 3 tokenizer: SentencePiece-style ("SPM", `tokenizer.ggml.model = "llama"`)
/// encoding and decoding built from a GGUF file's `tokenizer.ggml.*` metadata, giving the
/// same ids as llama.cpp (ENGINE.md §5, §11.1).
///
/// Encoding: special tokens are cut out of the raw text first (`SpecialTokenSplitter`), then
/// each remaining fragment is encoded by bigram merging (`SentencePieceMerger`). Ids are
/// `Int32`, like llama.cpp's `llama_token`. Immutable and thread-safe once built.
public final class GemmaTokenizer: Sendable {
    /// Number of tokens in the vocabulary (262 144 for Gemma 3).
    public let vocabularySize: Int
    /// Beginning of sequence (`<bos>`, 2).
    public let bos: Int32
    /// End of sequence (`<eos>`, 1).
    public let eos: Int32
    /// `<unk>` (3); also used for a byte that has no byte-fallback token.
    public let unknown: Int32?
    /// `<pad>` (0).
    public let padding: Int32?
    /// End of turn (`<end_of_turn>`, 106): `tokenizer.ggml.eot_token_id`, else found by its text.
    public let endOfTurn: Int32?
    /// Every id that ends generation, ascending: EOS, EOT and the texts llama.cpp treats as
    /// end of generation (for Gemma 3: 1, 106 and `</s>` 212).
    public let endOfGeneration: [Int32]
    /// `tokenizer.ggml.add_bos_token` (true for Gemma).
    public let addsBOS: Bool
    /// `tokenizer.ggml.add_eos_token` (false for Gemma).
    public let addsEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (false for Gemma: no "▁" before the first word).
    public let addSpacePrefix: Bool

    private let pieces: PieceTable
    private let scores: [Float]
    private let types: [TokenType]
    private let attributeTable: [TokenAttributes]
    /// Byte value → its byte-fallback token id.
    private let byteTokens: [Int32]
    private let splitter: SpecialTokenSplitter
    /// Where fragments may be cut into independent parts (nil: never).
    private let spaceBoundaries: SpaceBoundaries?

    // MARK: - Loading

    /// Reads the tokenizer of a GGUF file.
    public convenience init(file: GGUFFile) throws(GGUFError) {
        try self.init(metadata: file.metadata)
    }

    /// Opens a GGUF file and reads its tokenizer.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(file: GGUFFile(path: path))
    }

    /// Builds the tokenizer from `tokenizer.ggml.*` metadata. Throws when the model is not
    /// a SentencePiece ("llama") tokenizer, or a key is missing or malformed.
    public init(metadata: GGUFMetadata) throws(GGUFError) {
        let file = metadata.file
        func fail(_ problem: GGUFError.Problem) -> GGUFError { GGUFError(file: file, problem) }

        guard let model = try metadata.string("tokenizer.ggml.model") else {
            throw fail(.missingKey("tokenizer.ggml.model"))
        }
        guard model == "llama" else {
            throw fail(.invalidValue(key: "tokenizer.ggml.model",
                                     reason: "tokenizer \"\(model)\" is not supported; only \"llama\" (SentencePiece, as in Gemma 3) is"))
        }
        guard let tokens = try metadata.stringArray("tokenizer.ggml.tokens") else {
            throw fail(.missingKey("tokenizer.ggml.tokens"))
        }
        let n = tokens.count
        guard n > 0, n <= Int(Int32.max) else {
            throw fail(.invalidValue(key: "tokenizer.ggml.tokens", reason: "vocabulary of \(n) tokens"))
        }
        let rawScores = try metadata.floatArray("tokenizer.ggml.scores")
        if let rawScores, rawScores.count < n {
            throw fail(.invalidValue(key: "tokenizer.ggml.scores", reason: "\(rawScores.count) scores for \(n) tokens"))
        }
        let rawTypes = try metadata.intArray("tokenizer.ggml.token_type")
        if let rawTypes, rawTypes.count < n {
            throw fail(.invalidValue(key: "tokenizer.ggml.token_type", reason: "\(rawTypes.count) types for \(n) tokens"))
        }

        // Piece bytes, one buffer. llama.cpp renames an empty piece to "[EMPTY_<id>]".
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n * 8)
        var ends: [Int] = []
        ends.reserveCapacity(n)
        for (id, token) in tokens.enumerated() {
            if token.isEmpty {
                bytes.append(contentsOf: "[EMPTY_\(id)]".utf8)
            } else {
                bytes.append(contentsOf: token.utf8)
            }
            ends.append(bytes.count)
        }
        guard bytes.count <= Int(Int32.max) else {
            throw fail(.invalidValue(key: "tokenizer.ggml.tokens", reason: "pieces too large"))
        }
        let scores = rawScores.map { Array($0.prefix(n)) } ?? [Float](repeating: 0, count: n)
        let pieces = PieceTable(bytes: bytes, ends: ends, scores: scores)
        if let (first, second) = pieces.duplicate {
            throw fail(.invalidValue(key: "tokenizer.ggml.tokens",
                                     reason: "duplicate token \"\(tokens[second])\" has ids \(first) and \(second)"))
        }
        self.pieces = pieces
        self.scores = scores
        vocabularySize = n
        let types = rawTypes.map { $0.prefix(n).map(TokenType.init(gguf:)) } ?? [TokenType](repeating: .normal, count: n)
        self.types = types
        var attributes = types.map(\.attributes)

        // Special ids: llama.cpp's SPM defaults, replaced by the file's values when in range.
        func special(_ key: String, default value: Int32?) throws(GGUFError) -> Int32? {
            var id = value.flatMap { Int($0) < n ? $0 : nil }
            if let v = try metadata.int(key), v >= 0, v < n { id = Int32(v) }
            return id
        }
        guard let bos = try special("tokenizer.ggml.bos_token_id", default: 1) else {
            throw fail(.invalidValue(key: "tokenizer.ggml.bos_token_id", reason: "no BOS token"))
        }
        guard let eos = try special("tokenizer.ggml.eos_token_id", default: 2) else {
            throw fail(.invalidValue(key: "tokenizer.ggml.eos_token_id", reason: "no EOS token"))
        }
        self.bos = bos
        self.eos = eos
        unknown = try special("tokenizer.ggml.unknown_token_id", default: 0)
        padding = try special("tokenizer.ggml.padding_token_id", default: nil)
        var eot = try special("tokenizer.ggml.eot_token_id", default: nil)
        var eom = try special("tokenizer.ggml.eom_token_id", default: nil)
        addsBOS = try metadata.bool("tokenizer.ggml.add_bos_token") ?? true
        addsEOS = try metadata.bool("tokenizer.ggml.add_eos_token") ?? false
        addSpacePrefix = try metadata.bool("tokenizer.ggml.add_space_prefix") ?? true

        // Attribute fix-ups by text, as llama.cpp does at load time (looked up by text in
        // the piece table, not by scanning the vocabulary).
        func ids(_ texts: Set<String>) -> [Int32] {
            texts.map { pieces.find($0) }.filter { $0 >= 0 }.sorted()
        }
        if eot == nil, let first = ids(SpecialTokenTexts.endOfTurn).first {
            eot = first
            attributes[Int(first)].insert(.control)
        }
        if eom == nil, let first = ids(SpecialTokenTexts.endOfMessage).first {
            eom = first
            attributes[Int(first)].insert(.control)
        }
        for id in ids(SpecialTokenTexts.fillInMiddle) { attributes[Int(id)].insert(.control) }
        var endOfGeneration = Set(ids(SpecialTokenTexts.fillInMiddleEndsGeneration))
        for id in endOfGeneration { attributes[Int(id)].insert(.control) }
        // CONTROL tokens whose text contains "unused" are UNUSED too (before the
        // end-of-generation texts gain CONTROL, as in llama.cpp).
        for (index, token) in tokens.enumerated() where attributes[index].contains(.control) && token.utf8.count >= 6 {
            if token.utf8.withContiguousStorageIfAvailable({ Self.containsUnused($0) }) ?? token.contains("unused") {
                attributes[index].insert(.unused)
            }
        }
        for id in ids(SpecialTokenTexts.endOfGeneration) {
            endOfGeneration.insert(id)
            attributes[Int(id)].insert(.control)
        }
        endOfGeneration.insert(eos)
        if let eot { endOfGeneration.insert(eot) }
        if let eom { endOfGeneration.insert(eom) }
        endOfTurn = eot
        self.endOfGeneration = endOfGeneration.sorted()
        attributeTable = attributes

        // Byte fallback: "<0xXX>" (upper-case hex), else the byte itself as a piece.
        let hex = Array("0123456789ABCDEF".utf8)
        var byteTokens = [Int32](repeating: -1, count: 256)
        for b in 0..<256 {
            var id = pieces.find([UInt8(ascii: "<"), UInt8(ascii: "0"), UInt8(ascii: "x"), hex[b >> 4], hex[b & 15], UInt8(ascii: ">")])
            if id < 0 { id = pieces.find([UInt8(b)]) }
            byteTokens[b] = id >= 0 ? id : (unknown ?? 0)
        }
        self.byteTokens = byteTokens
        splitter = SpecialTokenSplitter(pieces: pieces, attributes: attributes)
        spaceBoundaries = SpaceBoundaries(pieces: pieces)
    }

    /// Whether the bytes contain "unused" (llama.cpp marks such CONTROL tokens UNUSED).
    private static func containsUnused(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let word: [UInt8] = Array("unused".utf8)
        guard bytes.count >= word.count else { return false }
        outer: for start in 0...(bytes.count - word.count) {
            for k in 0..<word.count where bytes[start + k] != word[k] { continue outer }
            return true
        }
        return false
    }

    // MARK: - Encoding

    /// Encodes text to token ids, exactly as llama.cpp's `llama_tokenize`.
    ///
    /// - Parameters:
    ///   - addBOS: add the model's own framing tokens (llama.cpp's `add_special`): BOS
    ///     first when `addsBOS`, EOS last when `addsEOS` (never for Gemma). BOS is added
    ///     even for empty text.
    ///   - parseSpecial: match CONTROL tokens such as `<start_of_turn>` written in the text
    ///     as single tokens. USER_DEFINED tokens (newline, space and tab runs, HTML-like
    ///     tags, `<start_of_image>`) are matched either way.
    public func encode(_ text: String, addBOS: Bool = true, parseSpecial: Bool = true) -> [Int32] {
        var text = text
        return text.withUTF8 { encode(utf8: $0, addBOS: addBOS, parseSpecial: parseSpecial) }
    }

    /// Encodes raw bytes (need not be valid UTF-8; malformed sequences are cut the way
    /// llama.cpp cuts them and come out as byte tokens).
    public func encode(bytes: [UInt8], addBOS: Bool = true, parseSpecial: Bool = true) -> [Int32] {
        bytes.withUnsafeBufferPointer { encode(utf8: $0, addBOS: addBOS, parseSpecial: parseSpecial) }
    }

    /// Encodes the bytes in `utf8`.
    public func encode(utf8 text: UnsafeBufferPointer<UInt8>, addBOS: Bool = true, parseSpecial: Bool = true) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.count / 3 + 2)
        let addSpecial = addBOS
        if addSpecial && addsBOS { output.append(bos) }
        if text.count > 0 {
            let matches = splitter.matches(in: text, parseSpecial: parseSpecial)
            byteTokens.withUnsafeBufferPointer { byteTokens in
                let merger = SentencePieceMerger(pieces: pieces, boundaries: spaceBoundaries, byteTokens: byteTokens)
                var position = 0
                var afterSpecial = true
                func raw(_ end: Int) {
                    guard end > position else { return }
                    let fragment = UnsafeBufferPointer(rebasing: text[position..<end])
                    merger.encode(fragment, spacePrefix: addSpacePrefix && afterSpecial, into: &output)
                    afterSpecial = false
                }
                for match in matches {
                    raw(match.start)
                    output.append(match.id)
                    afterSpecial = true
                    position = match.end
                }
                raw(text.count)
            }
        }
        if addSpecial && addsEOS { output.append(eos) }
        return output
    }

    // MARK: - Decoding

    /// The text of a token sequence (llama.cpp's `llama_detokenize` without removing or
    /// rendering specials by default): "▁" becomes a space, byte tokens become their byte,
    /// USER_DEFINED pieces are kept verbatim, CONTROL tokens are dropped unless
    /// `renderSpecial`. Invalid UTF-8 in the result becomes U+FFFD.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// The bytes of a token sequence (see `decode`); may end inside a UTF-8 sequence.
    public func decodeBytes(_ ids: [Int32], renderSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for id in ids { appendPiece(id, renderSpecial: renderSpecial, to: &out) }
        return out
    }

    /// The bytes one token contributes to decoded text (llama.cpp's `llama_token_to_piece`,
    /// no lstrip). Out-of-range ids give nothing.
    public func pieceBytes(_ id: Int32, renderSpecial: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        appendPiece(id, renderSpecial: renderSpecial, to: &out)
        return out
    }

    private func appendPiece(_ id: Int32, renderSpecial: Bool, to out: inout [UInt8]) {
        guard id >= 0, Int(id) < vocabularySize else { return }
        let attributes = attributeTable[Int(id)]
        if !renderSpecial && !attributes.isDisjoint(with: .specialOnly) { return }
        let start = pieces.start(Int(id)), length = pieces.length(Int(id))
        if !attributes.isDisjoint(with: [.control, .unknown, .userDefined]) {
            out.append(contentsOf: UnsafeBufferPointer(start: start, count: length))
        } else if attributes.contains(.normal) {
            var i = 0
            while i < length {
                if i + 2 < length && start[i] == 0xE2 && start[i + 1] == 0x96 && start[i + 2] == 0x81 {
                    out.append(0x20)
                    i += 3
                } else {
                    out.append(start[i])
                    i += 1
                }
            }
        } else if attributes.contains(.byte) {
            if let byte = Self.byteValue(UnsafeBufferPointer(start: start, count: length)) { out.append(byte) }
        }
    }

    /// The value of a byte piece "<0xXX>" (hex digits in either case).
    private static func byteValue(_ piece: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard piece.count >= 5 else { return nil }
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        guard let hi = digit(piece[3]), let lo = digit(piece[4]) else { return nil }
        return hi << 4 | lo
    }

    // MARK: - Vocabulary

    /// The vocabulary text of a token, verbatim ("▁world", "<0xF0>", "<start_of_turn>", "\n").
    /// Empty for an out-of-range id.
    public func piece(_ id: Int32) -> String {
        guard id >= 0, Int(id) < vocabularySize else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pieces.start(Int(id)), count: pieces.length(Int(id))), as: UTF8.self)
    }

    /// The id of the token whose vocabulary text is exactly `piece`.
    public func id(forPiece piece: String) -> Int32? {
        let id = pieces.find(Array(piece.utf8))
        return id >= 0 ? id : nil
    }

    /// The token's type as stored in the file (`.undefined` for an out-of-range id).
    public func tokenType(_ id: Int32) -> TokenType {
        guard id >= 0, Int(id) < vocabularySize else { return .undefined }
        return types[Int(id)]
    }

    /// The token's attributes after llama.cpp's load-time adjustments (empty when out of range).
    public func attributes(_ id: Int32) -> TokenAttributes {
        guard id >= 0, Int(id) < vocabularySize else { return [] }
        return attributeTable[Int(id)]
    }

    /// The token's merge score (higher merges first).
    public func score(_ id: Int32) -> Float {
        guard id >= 0, Int(id) < vocabularySize else { return 0 }
        return scores[Int(id)]
    }

    /// The byte-fallback token for a byte value (`<0xXX>`; 238 + value for Gemma 3).
    public func byteToken(_ byte: UInt8) -> Int32 { byteTokens[Int(byte)] }

    /// Whether sampling `id` ends generation.
    public func isEndOfGeneration(_ id: Int32) -> Bool {
        endOfGeneration.contains(id)
    }
}
