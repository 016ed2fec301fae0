import Foundation
import Gemma
import XCTest

/// StreamingDecoder: token-by-token text that never contains part of a UTF-8 sequence.
final class StreamingDecoderTests: XCTestCase {
    typealias Support = TokenizerTestSupport

    /// A vocabulary of byte tokens only (no model needed): byte b is token 4 + b.
    private func byteTokenizer() throws -> GemmaTokenizer {
        try GemmaTokenizer(metadata: Support.syntheticMetadata(pieces: [("▁hi", -1, .normal), ("<turn>", -1000, .control)]))
    }

    /// Feeds the UTF-8 bytes of `text` one byte token at a time; returns the chunks.
    private func stream(_ text: String, _ tokenizer: GemmaTokenizer) -> (chunks: [String], rest: String) {
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let chunks = Array(text.utf8).map { decoder.append(tokenizer.byteToken($0)) }
        return (chunks, decoder.finish())
    }

    func testEmojiByteTokensOneAtATime() throws {
        let tokenizer = try byteTokenizer()
        let (chunks, rest) = stream("🩺", tokenizer)
        XCTAssertEqual(chunks, ["", "", "", "🩺"])
        XCTAssertEqual(rest, "")
    }

    func testZWJSequencesAndSkinTonesComeOutOneWholeScalarAtATime() throws {
        let tokenizer = try byteTokenizer()
        for text in ["👨‍👩‍👧‍👦", "👍🏽", "🧑🏿‍⚕️", "🏳️‍🌈", "🇺🇸", "1️⃣", "a👩‍⚕️b", "é漢字𠀀"] {
            let (chunks, rest) = stream(text, tokenizer)
            XCTAssertEqual(chunks.joined() + rest, text)
            XCTAssertEqual(rest, "")
            let expected = text.unicodeScalars.map { String($0) }
            XCTAssertEqual(chunks.filter { !$0.isEmpty }, expected, "chunks of \(text)")
            for chunk in chunks { XCTAssertFalse(chunk.unicodeScalars.contains("\u{FFFD}"), "half a character in \(text)") }
        }
    }

    func testNormalAndControlTokensStreamAsText() throws {
        let tokenizer = try byteTokenizer()
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let hi = Support.syntheticID(0), turn = Support.syntheticID(1)
        XCTAssertEqual(decoder.append(hi), " hi")
        XCTAssertEqual(decoder.append(turn), "")
        var rendering = StreamingDecoder(tokenizer: tokenizer, renderSpecial: true)
        XCTAssertEqual(rendering.append([turn, hi]), "<turn> hi")
    }

    func testIncompleteTailIsFlushedAsReplacementCharacter() throws {
        let tokenizer = try byteTokenizer()
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0xE2)), "")
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0x82)), "")
        XCTAssertEqual(decoder.pendingByteCount, 2)
        XCTAssertEqual(decoder.finish(), "\u{FFFD}")
        XCTAssertEqual(decoder.pendingByteCount, 0)
        XCTAssertEqual(decoder.finish(), "")
    }

    func testBytesThatCanNeverCompleteAreNotHeldBack() throws {
        let tokenizer = try byteTokenizer()
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0x80)), "\u{FFFD}")   // stray continuation byte
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0xFF)), "\u{FFFD}")   // never valid
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0xC0)), "\u{FFFD}")   // overlong lead
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0xE0)), "")
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0x80)), "\u{FFFD}\u{FFFD}") // E0 80 is overlong
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0xF0)), "")
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0x9F)), "")
        XCTAssertEqual(decoder.append(tokenizer.byteToken(0x41)), "\u{FFFD}A")      // broken by ASCII
        XCTAssertEqual(decoder.pendingByteCount, 0)
    }

    func testStreamingTheCorpusGivesTheDecodedText() throws {
        let tokenizer = try Support.realTokenizer()
        for entry in try Support.corpus().entries {
            let ids = tokenizer.encode(entry.text, addBOS: true, parseSpecial: true)
            var decoder = StreamingDecoder(tokenizer: tokenizer, renderSpecial: true)
            var out = ""
            for id in ids {
                let chunk = decoder.append(id)
                if !entry.text.unicodeScalars.contains("\u{FFFD}") {
                    XCTAssertFalse(chunk.unicodeScalars.contains("\u{FFFD}"), "half a character: \(Support.shown(entry.text))")
                }
                out += chunk
            }
            XCTAssertEqual(decoder.pendingByteCount, 0)
            out += decoder.finish()
            XCTAssertEqual(out, "<bos>" + GemmaTokenizerTests.roundTripped(entry.text), Support.shown(entry.text))
        }
    }

    func testRealVocabularyByteFallbackEmojiStreams() throws {
        let tokenizer = try Support.realTokenizer()
        // U+1FBF0 (segmented digit zero) is not in the vocabulary: four byte tokens.
        let ids = tokenizer.encode("\u{1FBF0}!", addBOS: false)
        XCTAssertEqual(ids.count, 5)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(ids.map { decoder.append($0) }, ["", "", "", "\u{1FBF0}", "!"])
    }
}
