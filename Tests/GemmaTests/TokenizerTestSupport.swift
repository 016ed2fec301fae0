import Foundation
import GGUF
import Gemma
import TestSupport
import XCTest

/// Shared pieces for the tokenizer tests: the real tokenizer (loaded once per process),
/// the llama.cpp reference fixtures, and small synthetic vocabularies that need no model.
enum TokenizerTestSupport {
    private static let lock = NSLock()
    private static var cached: [String: GemmaTokenizer] = [:]

    /// The tokenizer of the default model; skips the test when the model is absent.
    static func realTokenizer(file: StaticString = #filePath, line: UInt = #line) throws -> GemmaTokenizer {
        let path = try TestEnvironment.defaultModel(file: file, line: line)
        lock.lock()
        defer { lock.unlock() }
        if let tokenizer = cached[path] { return tokenizer }
        let tokenizer = try GemmaTokenizer(path: path)
        cached[path] = tokenizer
        return tokenizer
    }

    // MARK: - llama.cpp fixtures (Tools/make_tokenizer_fixtures.py)

    struct Corpus: Decodable {
        struct Entry: Decodable {
            let category: String
            let text: String
        }
        let entries: [Entry]
    }

    struct Expected: Decodable {
        struct Entry: Decodable {
            let category: String
            let text: String
            let bosSpecial: [Int32]
            let bosNospecial: [Int32]
            let nobosSpecial: [Int32]
            let nobosNospecial: [Int32]
        }
        struct Detokenized: Decodable {
            let ids: [Int32]
            let renderSpecial: Bool
            let bytesHex: String
        }
        let llamaCppPython: String
        let model: String
        let vocabSize: Int
        let bos: Int32
        let eos: Int32
        let eot: Int32
        let eog: [Int32]
        let attributes: [String: UInt16]
        let entries: [Entry]
        let detokenize: [Detokenized]
    }

    /// The four encode modes of the fixtures: (name, addBOS, parseSpecial, ids).
    static func modes(_ entry: Expected.Entry) -> [(name: String, addBOS: Bool, parseSpecial: Bool, ids: [Int32])] {
        [("BOS+special", true, true, entry.bosSpecial),
         ("BOS, no special", true, false, entry.bosNospecial),
         ("no BOS, special", false, true, entry.nobosSpecial),
         ("no BOS, no special", false, false, entry.nobosNospecial)]
    }

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let data = try Data(contentsOf: TestEnvironment.fixture("tokenizer/" + name))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }

    static func corpus() throws -> Corpus { try decode(Corpus.self, "corpus.json") }
    static func expected() throws -> Expected { try decode(Expected.self, "expected.json") }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16)!)
            chars = chars.dropFirst(2)
        }
        return out
    }

    /// A string for a failure message: escapes control characters, cuts long texts.
    static func shown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(160) {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if text.unicodeScalars.count > 160 { out += "…(\(text.utf8.count) bytes)" }
        return "\"" + out + "\""
    }

    // MARK: - Synthetic vocabularies

    /// GGUF metadata for a tiny SentencePiece vocabulary: `<pad>` 0, `<eos>` 1, `<bos>` 2,
    /// `<unk>` 3, the 256 byte tokens `<0x00>`…`<0xFF>` (4…259), then `pieces` from 260 on
    /// with their scores and types (normal unless given).
    static func syntheticMetadata(pieces: [(String, Float, TokenType)], model: String = "llama",
                                  addSpacePrefix: Bool? = false) -> GGUFMetadata {
        var tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
        var scores: [Float] = [-1000, -1000, -1000, -1000]
        var types: [Int32] = [3, 3, 3, 2]
        let hex = Array("0123456789ABCDEF")
        for b in 0..<256 {
            tokens.append("<0x\(hex[b >> 4])\(hex[b & 15])>")
            scores.append(0)
            types.append(6)
        }
        for (piece, score, type) in pieces {
            tokens.append(piece)
            scores.append(score)
            types.append(type.rawValue)
        }
        var values: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string(model),
            "tokenizer.ggml.tokens": .array(.string(tokens)),
            "tokenizer.ggml.scores": .array(.float32(scores)),
            "tokenizer.ggml.token_type": .array(.int32(types)),
            "tokenizer.ggml.bos_token_id": .uint32(2),
            "tokenizer.ggml.eos_token_id": .uint32(1),
            "tokenizer.ggml.unknown_token_id": .uint32(3),
            "tokenizer.ggml.padding_token_id": .uint32(0),
        ]
        if let addSpacePrefix { values["tokenizer.ggml.add_space_prefix"] = .bool(addSpacePrefix) }
        return GGUFMetadata(file: "synthetic.gguf", keys: values.keys.sorted(), values: values)
    }

    /// Id of the n-th extra piece of a synthetic vocabulary.
    static func syntheticID(_ n: Int) -> Int32 { Int32(260 + n) }
}
