import Gemma
import XCTest

/// Bigram merging on small synthetic vocabularies (ENGINE.md §5.2 S3–S6); no model needed.
final class SentencePieceMergerTests: XCTestCase {
    typealias Support = TokenizerTestSupport

    private func tokenizer(_ pieces: [(String, Float)], addSpacePrefix: Bool? = false) throws -> GemmaTokenizer {
        try GemmaTokenizer(metadata: Support.syntheticMetadata(pieces: pieces.map { ($0.0, $0.1, .normal) },
                                                               addSpacePrefix: addSpacePrefix))
    }

    func testHigherScoreMergesFirst() throws {
        // "abc": "ab" (-2) vs "bc" (-1): "bc" wins, leaving "a" + "bc".
        let t = try tokenizer([("a", -10), ("b", -10), ("c", -10), ("ab", -2), ("bc", -1)])
        XCTAssertEqual(t.encode("abc", addBOS: false), [Support.syntheticID(0), Support.syntheticID(4)])
    }

    func testEqualScoresMergeLeftmostFirst() throws {
        let t = try tokenizer([("a", -10), ("b", -10), ("ab", -1), ("ba", -1)])
        XCTAssertEqual(t.encode("aba", addBOS: false), [Support.syntheticID(2), Support.syntheticID(0)])
        XCTAssertEqual(t.encode("bab", addBOS: false), [Support.syntheticID(3), Support.syntheticID(1)])
    }

    func testMergesChainThroughIntermediatePieces() throws {
        // "abcd" needs "ab" then "abc" then "abcd"; "bc" and "cd" are not pieces.
        let t = try tokenizer([("ab", -3), ("abc", -2), ("abcd", -1)])
        XCTAssertEqual(t.encode("abcd", addBOS: false), [Support.syntheticID(2)])
        // Without the intermediate "abc" the merge stops at "ab" + byte tokens.
        let u = try tokenizer([("ab", -3), ("abcd", -1)])
        XCTAssertEqual(u.encode("abcd", addBOS: false),
                       [Support.syntheticID(0), u.byteToken(UInt8(ascii: "c")), u.byteToken(UInt8(ascii: "d"))])
    }

    func testSpacesBecomeLowLinesAndPrefixIsOptional() throws {
        let pieces: [(String, Float)] = [("▁", -5), ("a", -5), ("▁a", -1)]
        let plain = try tokenizer(pieces, addSpacePrefix: false)
        XCTAssertEqual(plain.encode("a a", addBOS: false), [Support.syntheticID(1), Support.syntheticID(2)])
        // The SPM default (no add_space_prefix key) puts "▁" in front of the text.
        let prefixed = try tokenizer(pieces, addSpacePrefix: nil)
        XCTAssertTrue(prefixed.addSpacePrefix)
        XCTAssertEqual(prefixed.encode("a a", addBOS: false), [Support.syntheticID(2), Support.syntheticID(2)])
        XCTAssertEqual(prefixed.decode(prefixed.encode("a a", addBOS: false)), " a a")
    }

    func testAPieceWithAnInnerSpaceStillMergesAcrossTheSpace() throws {
        // Fragments are cut before "▁" for speed, except where a piece with "▁" inside
        // ("a▁b" here, ">▁</" in Gemma 3) occurs across it.
        let t = try tokenizer([("a", -10), ("▁", -10), ("b", -10), ("a▁", -2), ("a▁b", -1), ("▁c", -1), ("c", -10)])
        XCTAssertEqual(t.encode("a b", addBOS: false), [Support.syntheticID(4)])
        XCTAssertEqual(t.encode("a b c a c", addBOS: false),
                       [4, 5, 1, 0, 5].map(Support.syntheticID))
    }

    func testCharactersOutsideTheVocabularyBecomeBytes() throws {
        let t = try tokenizer([("a", -1)])
        let ids = t.encode("aé🩺", addBOS: false)
        let expected = [Support.syntheticID(0)] + Array("é🩺".utf8).map { Int32(4 + Int($0)) }
        XCTAssertEqual(ids, expected)
        XCTAssertEqual(t.decode(ids), "aé🩺")
    }

    func testMalformedUTF8IsCutByLeadByteAsLlamaCppDoes() throws {
        // 0xE2 announces 3 bytes, so "E2 41 42" is one 3-byte symbol (not a piece) → 3 byte tokens;
        // a lone continuation byte is a symbol of its own.
        let t = try tokenizer([("A", -1), ("B", -1)])
        XCTAssertEqual(t.encode(bytes: [0xE2, 0x41, 0x42, 0x80, 0x41], addBOS: false),
                       [t.byteToken(0xE2), t.byteToken(0x41), t.byteToken(0x42), t.byteToken(0x80), Support.syntheticID(0)])
    }

    func testBOSAndEOSFollowTheMetadata() throws {
        var values = Support.syntheticMetadata(pieces: [("a", -1, .normal)]).values
        values["tokenizer.ggml.add_eos_token"] = .bool(true)
        values["tokenizer.ggml.add_bos_token"] = .bool(false)
        let t = try GemmaTokenizer(metadata: .init(file: "f", keys: [], values: values))
        XCTAssertEqual(t.encode("a"), [Support.syntheticID(0), 1])
        XCTAssertEqual(t.encode("a", addBOS: false), [Support.syntheticID(0)])
    }
}
