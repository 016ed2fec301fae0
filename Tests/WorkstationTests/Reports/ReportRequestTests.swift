import Foundation
import Gemma
import MedImaging
import VisionPreprocessing
import XCTest
@testable import Workstation

/// A report goes through `ChatSession` and any `InferenceBackend`: here a scripted one
/// that records what it was asked and streams a fixed reply.
final class ReportRequestTests: XCTestCase {
    final class ScriptedBackend: InferenceBackend, @unchecked Sendable {
        let tokens: [String]
        var asked: [([BackendMessage], GenerationSettings)] = []
        init(tokens: [String]) { self.tokens = tokens }
        var displayName: String { "scripted" }
        var contextSize: Int? { 4096 }
        var acceptsImages: Bool { true }
        func reply(to messages: [BackendMessage], settings: GenerationSettings,
                   onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
            asked.append((messages, settings))
            for (n, text) in tokens.enumerated() {
                onEvent(.token(GeneratedToken(id: -1, text: text, index: n, elapsed: .milliseconds(n), contextUsed: 100 + n)))
            }
            onEvent(.finished(GenerationStats(stopReason: .endOfTurn)))
            let handle = GenerationHandle()
            handle.markFinished()
            return handle
        }
    }

    func testTheDraftIsTheStreamedReplyToTheReportPromptWithTheCaseAsSystem() throws {
        let backend = ScriptedBackend(tokens: ["## Findings\n", "Clear lungs.\n", "## Impression\n", "Normal."])
        let session = ChatSession(backend: backend)
        try session.send("an earlier chat question")
        session.waitUntilIdle()

        let image = ImageAttachment(source: "cxr.png", preparation: "stored pixels",
                                    picture: try RGBImage(width: 1, height: 1, pixels: [10, 20, 30]))
        let request = ReportRequest(caseFile: ReportFixtures.caseFile, imageNumber: 1, image: image,
                                    sampling: GenerationSettings(sampling: .greedy, maxTokens: 64))
        try request.start(on: session)
        session.waitUntilIdle()

        let (messages, settings) = try XCTUnwrap(backend.asked.last)
        XCTAssertEqual(messages, [BackendMessage(.user, request.userPrompt, images: [image])], "a new conversation: the chat is not in it")
        XCTAssertEqual(messages.first?.images.first?.key, image.key)
        XCTAssertEqual(settings.system, CaseContext(ReportFixtures.caseFile).systemInstruction)
        XCTAssertEqual(settings.maxTokens, 64)
        let draft = try XCTUnwrap(ReportRequest.draftText(in: session.snapshot()))
        XCTAssertEqual(draft, "## Findings\nClear lungs.\n## Impression\nNormal.")
        XCTAssertEqual(ReportSections(parsing: draft)[.impression], "Normal.")
    }

    func testNoDraftBeforeAReply() {
        XCTAssertNil(ReportRequest.draftText(in: ChatSession(backend: ScriptedBackend(tokens: [])).snapshot()))
    }
}
