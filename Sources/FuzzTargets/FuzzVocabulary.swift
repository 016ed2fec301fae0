import GGUF
import Gemma

/// A small SentencePiece vocabulary shaped like Gemma 3's, built in code so the tokenizer
/// targets need no model file (the real vocabulary lives in a 250 MB model outside the
/// repository; the committed tiny model's has only byte tokens and `▁wN` words, which
/// leaves the merger and the special-token matcher nothing to do).
///
/// What it has, because each exercises another path: Gemma's ids for `<pad>` `<eos>`
/// `<bos>` `<unk>`, the 256 byte-fallback tokens, CONTROL tokens (`<start_of_turn>`,
/// `<end_of_turn>`, an `<unusedN>`), USER_DEFINED ones (`<start_of_image>`, newline,
/// space and tab runs, HTML-like tags), and normal pieces — every substring of a few
/// words with and without "▁", ASCII and multi-byte, scored so that merges compete.
/// No normal piece contains `<`, so merging never builds a special or byte token.
enum FuzzVocabulary {
    /// Built once per process (a lazy static): the fuzzer calls the target millions of times.
    static let tokenizer: GemmaTokenizer = {
        var tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
        var types: [TokenType] = [.control, .control, .control, .unknown]
        let hex = Array("0123456789ABCDEF")
        for b in 0..<256 {
            tokens.append("<0x\(hex[b >> 4])\(hex[b & 15])>")
            types.append(.byte)
        }
        for control in ["<start_of_turn>", "<end_of_turn>", "<unused0>", "<mask>"] {
            tokens.append(control)
            types.append(.control)
        }
        for userDefined in ["<start_of_image>", "<end_of_image>", "\n", "\n\n", "\n\n\n", "  ", "   ", "    ",
                            "\t", "\t\t", "<b>", "</b>", "<table>"] {
            tokens.append(userDefined)
            types.append(.userDefined)
        }
        var seen = Set(tokens)
        let words = ["the", "heart", "lungs", "effusion", "chest", "x-ray", "model", "user", "turn", "café", "naïve",
                     "Ωmega", "肺炎", "中文", "😷", "é", "ñ", "1999", "--", "...", "\u{FFFD}"]
        for word in words {
            for piece in [word, "▁" + word] {
                let characters = Array(piece)
                for start in characters.indices {
                    for end in (start + 1)...characters.count where seen.insert(String(characters[start..<end])).inserted {
                        tokens.append(String(characters[start..<end]))
                        types.append(.normal)
                    }
                }
            }
        }
        // Longer pieces score higher, with a deterministic wobble so equal lengths differ.
        let scores: [Float] = tokens.enumerated().map { id, token in
            types[id] == .normal ? Float(token.unicodeScalars.count) - Float((id * 37) % 11) * 0.1 : 0
        }
        let values: [String: GGUFValue] = [
            "tokenizer.ggml.model": .string("llama"),
            "tokenizer.ggml.tokens": .array(.string(tokens)),
            "tokenizer.ggml.scores": .array(.float32(scores)),
            "tokenizer.ggml.token_type": .array(.int32(types.map(\.rawValue))),
            "tokenizer.ggml.bos_token_id": .uint32(2),
            "tokenizer.ggml.eos_token_id": .uint32(1),
            "tokenizer.ggml.unknown_token_id": .uint32(3),
            "tokenizer.ggml.padding_token_id": .uint32(0),
            "tokenizer.ggml.add_space_prefix": .bool(false),
            "tokenizer.ggml.add_bos_token": .bool(true),
        ]
        do {
            return try GemmaTokenizer(metadata: GGUFMetadata(file: "fuzz-vocabulary", keys: values.keys.sorted(), values: values))
        } catch {
            fatalError("the fuzz vocabulary does not load: \(error)")
        }
    }()
}
