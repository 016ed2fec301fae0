import XCTest
import Gemma

/// The Gemma 3 chat template, against the rendering rules and examples of ENGINE.md §6.
final class ChatTemplateTests: XCTestCase {
    func testSystemIsFoldedIntoTheFirstUserTurn() throws {
        let text = try ChatTemplate.render([
            ChatMessage(.system, "You are an expert radiologist."),
            ChatMessage(.user, "  Describe this X-ray\n"),
        ])
        XCTAssertEqual(text, "<start_of_turn>user\nYou are an expert radiologist.\n\nDescribe this X-ray<end_of_turn>\n<start_of_turn>model\n")
    }

    func testMultiTurnWritesAssistantAsModel() throws {
        let text = try ChatTemplate.render([
            ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Hello."), ChatMessage(.user, "Bye"),
        ], addGenerationPrompt: false)
        XCTAssertEqual(text, "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n")
    }

    func testTurnsMustAlternateStartingWithTheUser() {
        XCTAssertThrowsError(try ChatTemplate.render([ChatMessage(.assistant, "x")])) {
            XCTAssertEqual($0 as? ChatTemplate.TemplateError, .notAlternating(index: 0))
        }
        XCTAssertThrowsError(try ChatTemplate.render([ChatMessage(.user, "a"), ChatMessage(.user, "b")])) {
            XCTAssertEqual($0 as? ChatTemplate.TemplateError, .notAlternating(index: 1))
        }
        XCTAssertThrowsError(try ChatTemplate.render([ChatMessage(.user, "a"), ChatMessage(.system, "b")])) {
            XCTAssertEqual($0 as? ChatTemplate.TemplateError, .systemNotFirst(index: 1))
        }
    }

    /// ENGINE.md §11: the chat prompt's ids as llama.cpp tokenizes the same text.
    func testChatPromptTokenisesAsTheSpecSays() throws {
        let tokenizer = try GemmaTokenizer(path: try TestModel.path())
        let text = try ChatTemplate.render([ChatMessage(.user, "What is the capital of France? Answer in one sentence.")])
        XCTAssertEqual(tokenizer.encode(text, addBOS: true, parseSpecial: true),
                       [2, 105, 2364, 107, 3689, 563, 506, 5279, 529, 7001, 236881, 25685, 528, 886, 13315, 236761, 106, 107, 105, 4368, 107])
    }
}
