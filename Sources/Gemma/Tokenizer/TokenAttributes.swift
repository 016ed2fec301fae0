/// Per-token attribute bits, derived from `TokenType` and then adjusted the way llama.cpp
/// adjusts them at load time: end-of-turn / end-of-generation texts (`<end_of_turn>`, `</s>`, …)
/// gain `.control`, and control tokens whose text contains "unused" gain `.unused`.
///
/// The bit values equal llama.cpp's `llama_token_attr`, so they can be compared directly.
public struct TokenAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let unknown = TokenAttributes(rawValue: 1 << 0)
    public static let unused = TokenAttributes(rawValue: 1 << 1)
    public static let normal = TokenAttributes(rawValue: 1 << 2)
    public static let control = TokenAttributes(rawValue: 1 << 3)
    public static let userDefined = TokenAttributes(rawValue: 1 << 4)
    public static let byte = TokenAttributes(rawValue: 1 << 5)

    /// Tokens the special-token pass looks for (CONTROL, USER_DEFINED or UNKNOWN).
    static let matchedAsSpecial: TokenAttributes = [.control, .userDefined, .unknown]
    /// Tokens matched, and rendered, only when special tokens are parsed / rendered.
    static let specialOnly: TokenAttributes = [.control, .unknown]
}
