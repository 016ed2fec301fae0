import Foundation
import GGUF
import Gemma
import TestSupport
import XCTest
@testable import Training

/// Training chats with the real Gemma 3 tokenizer: the ids are those of the whole rendered
/// conversation, and the loss falls on the assistant turns alone.
final class ChatExampleEncoderTests: XCTestCase {
    private func tokenizer() throws -> GemmaTokenizer {
        try GemmaTokenizer(file: GGUFFile(path: try TestEnvironment.defaultModel()))
    }

    func testIdsAreTheWholeConversationsAndLabelsTheAssistantTurns() throws {
        let tok = try tokenizer()
        let chat = TrainingChat(turns: [
            .init(role: .system, text: "You are a careful radiologist.", images: []),
            .init(role: .user, text: "Describe the chest film.", images: []),
            .init(role: .assistant, text: "No focal consolidation. Heart size normal.", images: []),
            .init(role: .user, text: "Any effusion?", images: []),
            .init(role: .assistant, text: "No pleural effusion.", images: []),
        ])
        let example = try ChatExampleEncoder(tokenizer: tok).encode(chat)
        let messages = chat.turns.map { ChatMessage($0.role, $0.text) }
        let whole = tok.encode(try ChatTemplate.render(messages, addGenerationPrompt: false), addBOS: true, parseSpecial: true)
        XCTAssertEqual(example.ids, whole)
        // Labelled runs: from the end of each generation prompt to the end of its turn.
        var expected: [Range<Int>] = []
        for i in [2, 4] {
            let prompt = tok.encode(try ChatTemplate.render(Array(messages[..<i]), addGenerationPrompt: true), addBOS: true, parseSpecial: true)
            let through = tok.encode(try ChatTemplate.render(Array(messages[...i]), addGenerationPrompt: false), addBOS: true, parseSpecial: true)
            expected.append(prompt.count..<through.count)
        }
        let labelled = example.labels.indices.filter { example.labels[$0] != TrainingExample.ignored }
        XCTAssertEqual(labelled, expected.flatMap { Array($0) })
        for t in labelled { XCTAssertEqual(example.labels[t], example.ids[t]) }
        XCTAssertEqual(tok.decode(expected.flatMap { Array(example.ids[$0]) }, renderSpecial: true),
                       "No focal consolidation. Heart size normal.<end_of_turn>\nNo pleural effusion.<end_of_turn>\n")
    }

    func testJSONLinesAreReadWithTheirErrorsNamed() throws {
        let folder = NSTemporaryDirectory() + "train-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/train.jsonl"
        try """
        {"messages": [{"role": "user", "content": [{"type": "image", "image": "cxr.png"}, {"type": "text", "text": "Findings?"}]}, {"role": "assistant", "content": "Clear lungs."}]}

        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let chats = try TrainingChat.read(path: path)
        XCTAssertEqual(chats.count, 2)
        XCTAssertEqual(chats[0].turns[0].images, [folder + "/cxr.png"])
        XCTAssertEqual(chats[0].turns[0].text, "Findings?")
        XCTAssertEqual(chats[1].turns[1].text, "Hello")
        try "{\"messages\": [{\"role\": \"doctor\", \"content\": \"x\"}]}\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingChat.read(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path):1: message 1: role must be system, user or assistant")
        }
        XCTAssertThrowsError(try ChatExampleEncoder(tokenizer: try tokenizer()).encode(chats[0])) { error in
            XCTAssertEqual("\(error)", "this model has no vision part: pass --mmproj to train on images")
        }
    }
}
