import GGUF
import Gemma
import XCTest

/// GemmaTokenizer against llama.cpp (fixtures from Tools/make_tokenizer_fixtures.py) and
/// against the facts of ENGINE.md §5 and §11.1, on the real gemma-3-270m vocabulary.
final class GemmaTokenizerTests: XCTestCase {
    typealias Support = TokenizerTestSupport

    // MARK: - Parity with llama.cpp

    func testEveryCorpusStringInEveryModeMatchesLlamaCpp() throws {
        let tokenizer = try Support.realTokenizer()
        let expected = try Support.expected()
        XCTAssertGreaterThanOrEqual(expected.entries.count, 300)
        var mismatches: [String] = []
        var compared = 0
        for (index, entry) in expected.entries.enumerated() {
            for mode in Support.modes(entry) {
                let ids = tokenizer.encode(entry.text, addBOS: mode.addBOS, parseSpecial: mode.parseSpecial)
                compared += 1
                if ids != mode.ids {
                    mismatches.append("""
                    #\(index) [\(entry.category)] \(mode.name): \(Support.shown(entry.text))
                      llama.cpp: \(mode.ids)
                      swift:     \(ids)
                    """)
                }
            }
        }
        XCTAssertEqual(compared, expected.entries.count * 4)
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) of \(compared) encodings differ from llama.cpp "
                    + "(llama-cpp-python \(expected.llamaCppPython)):\n" + mismatches.joined(separator: "\n"))
        }
    }

    func testFixturesAreUpToDateWithTheCorpus() throws {
        let corpus = try Support.corpus()
        let expected = try Support.expected()
        XCTAssertGreaterThanOrEqual(corpus.entries.count, 300)
        XCTAssertEqual(corpus.entries.map(\.text), expected.entries.map(\.text),
                       "corpus.json changed: rerun Tools/make_tokenizer_fixtures.py")
        XCTAssertEqual(Set(corpus.entries.map(\.category)).count, Set(expected.entries.map(\.category)).count)
    }

    func testEncodingRawBytesMatchesEncodingTheString() throws {
        let tokenizer = try Support.realTokenizer()
        for entry in try Support.expected().entries {
            XCTAssertEqual(tokenizer.encode(bytes: Array(entry.text.utf8)), entry.bosSpecial, Support.shown(entry.text))
        }
    }

    func testDecodingMatchesLlamaCppDetokenizer() throws {
        let tokenizer = try Support.realTokenizer()
        let expected = try Support.expected()
        XCTAssertGreaterThan(expected.detokenize.count, 100)
        var mismatches: [String] = []
        for sample in expected.detokenize {
            let bytes = tokenizer.decodeBytes(sample.ids, renderSpecial: sample.renderSpecial)
            let reference = Support.bytes(hex: sample.bytesHex)
            if bytes != reference {
                mismatches.append("ids \(sample.ids) renderSpecial \(sample.renderSpecial):\n  llama.cpp: \(reference)\n  swift:     \(bytes)")
            }
            XCTAssertEqual(tokenizer.decode(sample.ids, renderSpecial: sample.renderSpecial),
                           String(decoding: reference, as: UTF8.self))
        }
        if !mismatches.isEmpty {
            XCTFail("\(mismatches.count) decodings differ from llama_detokenize:\n" + mismatches.joined(separator: "\n"))
        }
    }

    func testAttributesAndStopTokensMatchLlamaCpp() throws {
        let tokenizer = try Support.realTokenizer()
        let expected = try Support.expected()
        XCTAssertEqual(tokenizer.vocabularySize, expected.vocabSize)
        XCTAssertEqual(tokenizer.bos, expected.bos)
        XCTAssertEqual(tokenizer.eos, expected.eos)
        XCTAssertEqual(tokenizer.endOfTurn, expected.eot)
        XCTAssertEqual(tokenizer.endOfGeneration, expected.eog)
        var differing: [String] = []
        for id in 0..<Int32(tokenizer.vocabularySize) {
            let reference = expected.attributes[String(id)] ?? TokenAttributes.normal.rawValue
            let mine = tokenizer.attributes(id).rawValue
            if mine != reference { differing.append("\(id) \(Support.shown(tokenizer.piece(id))): llama.cpp \(reference), swift \(mine)") }
        }
        XCTAssert(differing.isEmpty, "\(differing.count) attributes differ:\n" + differing.prefix(50).joined(separator: "\n"))
    }

    // MARK: - Round trips

    /// The text as it comes back from decoding: a literal "▁" (U+2581) in the input is the
    /// SentencePiece space marker, so it decodes as a space (llama.cpp does the same).
    static func roundTripped(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{2581}", with: " ")
    }

    func testDecodingTheEncodingGivesBackTheText() throws {
        let tokenizer = try Support.realTokenizer()
        for entry in try Support.corpus().entries {
            let text = Self.roundTripped(entry.text)
            let plain = tokenizer.encode(entry.text, addBOS: false, parseSpecial: false)
            XCTAssertEqual(tokenizer.decode(plain), text, "no specials: \(Support.shown(entry.text))")
            let special = tokenizer.encode(entry.text, addBOS: false, parseSpecial: true)
            XCTAssertEqual(tokenizer.decode(special, renderSpecial: true), text, "specials: \(Support.shown(entry.text))")
            let withBOS = tokenizer.encode(entry.text)
            XCTAssertEqual(tokenizer.decode(withBOS, renderSpecial: true), "<bos>" + text)
        }
    }

    func testALiteralLowLineDecodesAsASpace() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode("▁", addBOS: false), tokenizer.encode(" ", addBOS: false))
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("a▁b", addBOS: false)), "a b")
    }

    func testDecodingDropsControlTokensUnlessRendered() throws {
        let tokenizer = try Support.realTokenizer()
        let ids = tokenizer.encode("<start_of_turn>user\nHi<end_of_turn>\n")
        XCTAssertEqual(tokenizer.decode(ids), "user\nHi\n")
        XCTAssertEqual(tokenizer.decode(ids, renderSpecial: true), "<bos><start_of_turn>user\nHi<end_of_turn>\n")
        // User-defined tokens are always text, and `</s>` (user-defined + control) is not.
        XCTAssertEqual(tokenizer.decode([168, 255999, 212]), "<table><start_of_image>")
        XCTAssertEqual(tokenizer.decode([168, 255999, 212], renderSpecial: true), "<table><start_of_image></s>")
    }

    // MARK: - ENGINE.md §5 and §11.1

    func testHelloWorld() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode("Hello, world!"), [2, 9259, 236764, 1902, 236888])
        XCTAssertEqual(tokenizer.piece(9259), "Hello")
        XCTAssertEqual(tokenizer.piece(1902), "▁world")
    }

    func testChatPromptFromTheSpec() throws {
        let tokenizer = try Support.realTokenizer()
        let prompt = "<start_of_turn>user\nWhat is the capital of France? Answer in one sentence.<end_of_turn>\n<start_of_turn>model\n"
        XCTAssertEqual(tokenizer.encode(prompt), [2, 105, 2364, 107, 3689, 563, 506, 5279, 529, 7001, 236881, 25685, 528, 886,
                                                  13315, 236761, 106, 107, 105, 4368, 107])
    }

    func testBOSIsAddedEvenToEmptyTextAndTheBosTextIsASecondBOS() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode(""), [2])
        XCTAssertEqual(tokenizer.encode("", addBOS: false), [])
        XCTAssertEqual(tokenizer.encode("<bos>"), [2, 2])
        XCTAssertTrue(tokenizer.addsBOS)
        XCTAssertFalse(tokenizer.addsEOS)
    }

    func testNoSpacePrefixTrailingSpaceAndDigits() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertFalse(tokenizer.addSpacePrefix)
        XCTAssertEqual(tokenizer.encode("Hello", addBOS: false), [9259])
        XCTAssertEqual(tokenizer.encode("Hello ", addBOS: false).last, 236743)
        XCTAssertEqual(tokenizer.piece(236743), "▁")
        XCTAssertEqual(tokenizer.encode("1234567", addBOS: false).count, 7)
        XCTAssertEqual(tokenizer.encode("1, 2, 3, 4, 5,").count, 15)
    }

    func testExamplesFromSection5() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode("a\n\nb", addBOS: false), [236746, 108, 236763])
        XCTAssertEqual(tokenizer.encode("🩺 stethoscope", addBOS: false), [255823, 70824])
        XCTAssertEqual(tokenizer.encode("a  b", addBOS: false), [236746, 138, 236763])
        // Spec [DIVERGENCE] note: two leading spaces are the user-defined token 138, and the
        // word after it has no "▁".
        XCTAssertEqual(tokenizer.encode("  two", addBOS: false), [138, 13498])
    }

    func testStartOfTurnIsOneTokenOnlyWithSpecialParsing() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode("<start_of_turn>", addBOS: false, parseSpecial: true), [105])
        XCTAssertEqual(tokenizer.encode("<end_of_turn>", addBOS: false, parseSpecial: true), [106])
        let spelled = tokenizer.encode("<start_of_turn>", addBOS: false, parseSpecial: false)
        XCTAssertGreaterThan(spelled.count, 1)
        XCTAssertFalse(spelled.contains(105))
        XCTAssertEqual(tokenizer.decode(spelled), "<start_of_turn>")
    }

    func testUserDefinedTokensAreMatchedWithoutSpecialParsing() throws {
        let tokenizer = try Support.realTokenizer()
        for special in [true, false] {
            XCTAssertEqual(tokenizer.encode("<start_of_image>", addBOS: false, parseSpecial: special), [255999])
            XCTAssertEqual(tokenizer.encode("<end_of_image>", addBOS: false, parseSpecial: special), [256000])
            XCTAssertEqual(tokenizer.encode("\n", addBOS: false, parseSpecial: special), [107])
            XCTAssertEqual(tokenizer.encode("\t\t", addBOS: false, parseSpecial: special), [255969])
            XCTAssertEqual(tokenizer.encode("<h1>x</h1>", addBOS: false, parseSpecial: special).first, 184)
            XCTAssertEqual(tokenizer.encode("<strong>", addBOS: false, parseSpecial: special), [198])
            XCTAssertEqual(tokenizer.encode("<div>", addBOS: false, parseSpecial: special), [224])
        }
        // `</s>` is user-defined in the file but llama.cpp adds CONTROL (an end-of-generation
        // text), so it is one token only with special parsing.
        XCTAssertEqual(tokenizer.encode("</s>", addBOS: false, parseSpecial: true), [212])
        XCTAssertNotEqual(tokenizer.encode("</s>", addBOS: false, parseSpecial: false), [212])
    }

    func testByteFallback() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.encode("\r", addBOS: false), [251])
        for b in 0...255 {
            XCTAssertEqual(tokenizer.byteToken(UInt8(b)), Int32(238 + b))
        }
        let hex = Array("0123456789ABCDEF")
        XCTAssertEqual(tokenizer.piece(238 + 0x0D), "<0x\(hex[0])\(hex[13])>")
        // A character outside the vocabulary: one byte token per UTF-8 byte.
        let text = "\u{F0000}"
        let ids = tokenizer.encode(text, addBOS: false)
        XCTAssertEqual(ids, Array(text.utf8).map { 238 + Int32($0) })
        XCTAssertEqual(tokenizer.decode(ids), text)
    }

    func testTokenTypesAndSpecialIDs() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.vocabularySize, 262_144)
        XCTAssertEqual(tokenizer.bos, 2)
        XCTAssertEqual(tokenizer.eos, 1)
        XCTAssertEqual(tokenizer.unknown, 3)
        XCTAssertEqual(tokenizer.padding, 0)
        XCTAssertEqual(tokenizer.endOfTurn, 106)
        XCTAssertEqual(tokenizer.endOfGeneration, [1, 106, 212])
        XCTAssertTrue(tokenizer.isEndOfGeneration(106))
        XCTAssertFalse(tokenizer.isEndOfGeneration(105))
        XCTAssertEqual(tokenizer.tokenType(105), .control)
        XCTAssertEqual(tokenizer.tokenType(107), .userDefined)
        XCTAssertEqual(tokenizer.tokenType(238), .byte)
        XCTAssertEqual(tokenizer.tokenType(9259), .normal)
        XCTAssertEqual(tokenizer.tokenType(212), .userDefined)
        XCTAssertEqual(tokenizer.attributes(212), [.userDefined, .control])
        XCTAssertEqual(tokenizer.attributes(262_143), [.control, .unused])
        XCTAssertEqual(tokenizer.tokenType(-1), .undefined)
        XCTAssertEqual(tokenizer.tokenType(262_144), .undefined)
        XCTAssertEqual(tokenizer.id(forPiece: "<end_of_turn>"), 106)
        XCTAssertEqual(tokenizer.id(forPiece: "user"), 2364)
        XCTAssertEqual(tokenizer.id(forPiece: "model"), 4368)
        XCTAssertNil(tokenizer.id(forPiece: "<image_soft_token>"))
        XCTAssertEqual(tokenizer.score(105), -1000)
        XCTAssertEqual(tokenizer.score(238), 0)
    }

    func testOutOfRangeIDsDecodeToNothing() throws {
        let tokenizer = try Support.realTokenizer()
        XCTAssertEqual(tokenizer.decode([-5, 262_144, 9259, Int32.max]), "Hello")
        XCTAssertEqual(tokenizer.piece(-1), "")
    }

    // MARK: - Loading errors (no model needed)

    func testANonSentencePieceTokenizerIsRejected() {
        let metadata = Support.syntheticMetadata(pieces: [], model: "gpt2")
        XCTAssertThrowsError(try GemmaTokenizer(metadata: metadata)) { error in
            guard let error = error as? GGUFError, case .invalidValue(let key, let reason) = error.problem else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(key, "tokenizer.ggml.model")
            XCTAssertTrue(reason.contains("gpt2"), reason)
            XCTAssertTrue(error.description.hasPrefix("synthetic.gguf: "), error.description)
        }
    }

    func testMissingKeysAreReported() {
        var values = Support.syntheticMetadata(pieces: []).values
        values["tokenizer.ggml.model"] = nil
        XCTAssertThrowsError(try GemmaTokenizer(metadata: GGUFMetadata(file: "f", keys: [], values: values))) { error in
            XCTAssertEqual((error as? GGUFError)?.problem, .missingKey("tokenizer.ggml.model"))
        }
        values = Support.syntheticMetadata(pieces: []).values
        values["tokenizer.ggml.tokens"] = nil
        XCTAssertThrowsError(try GemmaTokenizer(metadata: GGUFMetadata(file: "f", keys: [], values: values))) { error in
            XCTAssertEqual((error as? GGUFError)?.problem, .missingKey("tokenizer.ggml.tokens"))
        }
    }

    func testWrongTypesAndShortArraysAreReported() {
        var values = Support.syntheticMetadata(pieces: []).values
        values["tokenizer.ggml.scores"] = .array(.float32([0, 1]))
        XCTAssertThrowsError(try GemmaTokenizer(metadata: GGUFMetadata(file: "f", keys: [], values: values))) { error in
            guard case .invalidValue(let key, _)? = (error as? GGUFError)?.problem else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "tokenizer.ggml.scores")
        }
        values = Support.syntheticMetadata(pieces: []).values
        values["tokenizer.ggml.model"] = .uint32(1)
        XCTAssertThrowsError(try GemmaTokenizer(metadata: GGUFMetadata(file: "f", keys: [], values: values))) { error in
            guard case .wrongMetadataType(let key, _, _)? = (error as? GGUFError)?.problem else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "tokenizer.ggml.model")
        }
    }

    func testDuplicatePiecesAreRejected() {
        let metadata = Support.syntheticMetadata(pieces: [("ab", -1, .normal), ("ab", -2, .normal)])
        XCTAssertThrowsError(try GemmaTokenizer(metadata: metadata)) { error in
            guard case .invalidValue(let key, let reason)? = (error as? GGUFError)?.problem else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "tokenizer.ggml.tokens")
            XCTAssertTrue(reason.contains("260") && reason.contains("261"), reason)
        }
    }
}
