import Gemma
import XCTest

/// The special-token pass (ENGINE.md §5.2 S1): longest special text first, each claiming
/// its leftmost non-overlapping occurrences in what is still raw text.
final class SpecialTokenSplitterTests: XCTestCase {
    typealias Support = TokenizerTestSupport

    func testLongRunsSplitLongestFirst() throws {
        let tokenizer = try Support.realTokenizer()
        // 70 newlines: 31 + 31 + 8 (ids 107 + n - 1).
        XCTAssertEqual(tokenizer.encode(String(repeating: "\n", count: 70), addBOS: false), [137, 137, 114])
        // 33 spaces: 31 spaces (167), then a lone space that becomes "▁".
        XCTAssertEqual(tokenizer.encode(String(repeating: " ", count: 33), addBOS: false), [167, 138])
        XCTAssertEqual(tokenizer.encode(String(repeating: " ", count: 32), addBOS: false), [167, 236743])
        XCTAssertEqual(tokenizer.encode(String(repeating: "\t", count: 35), addBOS: false), [255998, 255971])
    }

    func testLongerSpecialTokenWinsOverAnEarlierShorterOne() throws {
        // Synthetic: "<x>" (3 bytes) and "<x>y" (4 bytes) user-defined; in "<x>y" the
        // longer one wins although both start at the same place; in "a<x><x>y" the first
        // "<x>" is found only after "<x>y" has claimed the second.
        let metadata = Support.syntheticMetadata(pieces: [("<x>", -1000, .userDefined), ("<x>y", -1000, .userDefined),
                                                          ("a", -1, .normal)])
        let tokenizer = try GemmaTokenizer(metadata: metadata)
        let short = Support.syntheticID(0), long = Support.syntheticID(1), a = Support.syntheticID(2)
        XCTAssertEqual(tokenizer.encode("<x>y", addBOS: false), [long])
        XCTAssertEqual(tokenizer.encode("a<x><x>y", addBOS: false), [a, short, long])
        XCTAssertEqual(tokenizer.encode("<x><x>", addBOS: false), [short, short])
    }

    func testOverlapIsResolvedByPriorityNotPosition() throws {
        // "bcd" (longer) is taken before "ab" even though "ab" starts first.
        let metadata = Support.syntheticMetadata(pieces: [("ab", -1000, .userDefined), ("bcd", -1000, .userDefined)])
        let tokenizer = try GemmaTokenizer(metadata: metadata)
        let ab = Support.syntheticID(0), bcd = Support.syntheticID(1)
        XCTAssertEqual(tokenizer.encode("abcd", addBOS: false), [tokenizer.byteToken(UInt8(ascii: "a")), bcd])
        XCTAssertEqual(tokenizer.encode("abab", addBOS: false), [ab, ab])
    }

    func testControlTokensNeedSpecialParsing() throws {
        let metadata = Support.syntheticMetadata(pieces: [("<c>", -1000, .control), ("<u>", -1000, .userDefined)])
        let tokenizer = try GemmaTokenizer(metadata: metadata)
        let c = Support.syntheticID(0), u = Support.syntheticID(1)
        XCTAssertEqual(tokenizer.encode("<c><u>", addBOS: false, parseSpecial: true), [c, u])
        let bytes = Array("<c>".utf8).map { tokenizer.byteToken($0) }
        XCTAssertEqual(tokenizer.encode("<c><u>", addBOS: false, parseSpecial: false), bytes + [u])
    }

    func testTagsInsideWordsAndNestedBrackets() throws {
        let tokenizer = try Support.realTokenizer()
        let ids = tokenizer.encode("<<b>>", addBOS: false, parseSpecial: false)
        XCTAssertTrue(ids.contains(200), "\(ids)")
        XCTAssertEqual(tokenizer.decode(ids), "<<b>>")
        let inside = tokenizer.encode("x<b>y</b>z", addBOS: false, parseSpecial: false)
        XCTAssertEqual(inside.filter { $0 == 200 || $0 == 209 }, [200, 209])
        XCTAssertEqual(tokenizer.decode(inside), "x<b>y</b>z")
    }
}
