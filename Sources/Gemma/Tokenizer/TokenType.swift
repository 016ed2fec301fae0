/// The type of a vocabulary entry as stored in `tokenizer.ggml.token_type`
/// (SentencePiece's piece types; ENGINE.md §5.1).
public enum TokenType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case undefined = 0
    /// Ordinary text piece; "▁" stands for a space.
    case normal = 1
    /// The unknown-piece placeholder.
    case unknown = 2
    /// Control tokens such as `<bos>`, `<start_of_turn>`, `<unusedN>`: text only with special parsing.
    case control = 3
    /// Pieces always matched as a whole, even without special parsing ("\n", runs of spaces, `<b>`).
    case userDefined = 4
    case unused = 5
    /// Byte-fallback pieces `<0x00>` … `<0xFF>`.
    case byte = 6

    /// The type for a raw GGUF value; values outside 0…6 are `.undefined`, as in llama.cpp.
    public init(gguf raw: Int) {
        if let value = Int32(exactly: raw), let type = TokenType(rawValue: value) {
            self = type
        } else {
            self = .undefined
        }
    }

    public var description: String {
        switch self {
        case .undefined: return "undefined"
        case .normal: return "normal"
        case .unknown: return "unknown"
        case .control: return "control"
        case .userDefined: return "user-defined"
        case .unused: return "unused"
        case .byte: return "byte"
        }
    }

    /// The attribute bit llama.cpp derives from this type at load time.
    var attributes: TokenAttributes {
        switch self {
        case .undefined: return []
        case .normal: return .normal
        case .unknown: return .unknown
        case .control: return .control
        case .userDefined: return .userDefined
        case .unused: return .unused
        case .byte: return .byte
        }
    }
}
