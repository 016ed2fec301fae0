import Foundation
import XCTest
@testable import Gemma

/// Prefilling a conversation's context ahead of the question, on the real model: the
/// question's prompt is the same token for token, its logits are those of a cold prompt bit
/// for bit (so its greedy reply is the same), only the rest of the prompt runs, and a
/// cancelled warm-up leaves a usable cache.
final class EnginePrefillAheadTests: XCTestCase {
    /// A case context of about 350 tokens, like the workstation's system instruction.
    static let system = """
    You are assisting a clinician-researcher who is reviewing the case below. Answer as a careful specialist: \
    describe what the images show, keep to the question, and say plainly when the images or the information \
    given do not allow a conclusion.

    Patient: 68 years, female.
    Clinical history: Three months of progressive exertional breathlessness, now on one flight of stairs, \
    two-pillow orthopnoea and bilateral ankle swelling worse in the evenings. Hypertension for 15 years on \
    amlodipine and ramipril, type 2 diabetes on metformin, ex-smoker of 30 pack-years, myocardial infarction \
    with a stent to the left anterior descending artery eight years ago. No chest pain, haemoptysis, fever or \
    weight loss. Pulse 96 irregularly irregular, blood pressure 148/88, respiratory rate 22, saturation 92% on \
    air, jugular venous pressure 5 cm above the sternal angle, bibasal crackles, pitting oedema to the \
    mid-shins. ECG: atrial fibrillation about 100/min, Q waves V1-V3. NT-proBNP 3400 ng/L, creatinine \
    118 umol/L, haemoglobin 118 g/L, CRP 8.
    Indication: Breathlessness; heart failure or lung disease?
    Images:
    1. Chest radiograph, PA: frontal chest radiograph taken in the emergency department.
    Question: Is the heart enlarged, and is there pulmonary oedema or an effusion?
    """

    static let questions = ["Describe the heart size.", "what about the lungs?", "1. Heart 2. Lungs", "(Briefly) any effusion?"]

    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var ids: [Int32] = []
        var stats: GenerationStats?
        var failure: String?
        var progress: [String] = []
        var onProgress: ((Int) -> Void)?

        func handle(_ event: GenerationEvent) {
            let (callback, count): (((Int) -> Void)?, Int) = lock.withLock {
                switch event {
                case .token(let t): if t.id >= 0 { ids.append(t.id) }
                case .finished(let s): stats = s
                case .failed(let m): failure = m
                case .progress(let line):
                    progress.append(line)
                    return (onProgress, progress.count)
                }
                return (nil, 0)
            }
            callback?(count)
        }
    }

    private func reply(_ engine: Engine, _ conversation: Conversation, maxTokens: Int = 16) -> Recorder {
        let recorder = Recorder()
        engine.reply(to: conversation, settings: .greedy, maxTokens: maxTokens) { recorder.handle($0) }.wait()
        return recorder
    }

    private func prefillAhead(_ engine: Engine, _ conversation: Conversation, history: [ChatMessage]? = nil) -> Recorder {
        let recorder = Recorder()
        engine.prefillAhead(of: history ?? conversation.messages, in: conversation) { recorder.handle($0) }.wait()
        return recorder
    }

    /// The prefix is what every question's prompt starts with: all of the case context,
    /// and nothing of the question.
    func testThePrefixIsSharedByEveryQuestionsPrompt() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        let prefix = try engine.promptPrefix(after: conversation.messages, in: conversation)
        let systemTokens = engine.tokenizer.encode(Self.system, addBOS: false, parseSpecial: false)
        XCTAssertGreaterThan(systemTokens.count, 300)
        XCTAssertGreaterThanOrEqual(prefix.count, systemTokens.count + 3, "<bos><start_of_turn>user\\n and the whole context")
        for question in Self.questions + ["<start_of_image>", "Ünïcode?"] {
            let asked = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
            asked.addUser(question)
            let prompt = try engine.promptTokens(for: asked)
            XCTAssertEqual(Array(prompt.prefix(prefix.count)), prefix, question)
            XCTAssertLessThan(prefix.count, prompt.count - 4, "the question and the template after it are not in the prefix")
        }
    }

    /// Warm then ask gives the prompt, the logits and the greedy reply of asking cold,
    /// running only what follows the warmed part: the prefix up to a multiple of 128 at
    /// least 32 tokens before its end.
    func testAWarmedConversationRepliesAsAColdOne() throws {
        let engine = try TestModel.engine()
        for question in Self.questions {
            let coldLogits = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
            coldLogits.addUser(question)
            let warmLogits = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
            _ = prefillAhead(engine, warmLogits)
            warmLogits.addUser(question)
            XCTAssertEqual(try engine.nextTokenLogits(for: warmLogits), try engine.nextTokenLogits(for: coldLogits),
                           "bit for bit: \(question)")
        }
        for question in Self.questions.prefix(2) {
            let cold = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
            cold.addUser(question)
            let coldPrompt = try engine.promptTokens(for: cold)
            let coldReply = reply(engine, cold)

            let warm = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
            let prefix = try engine.promptPrefix(after: warm.messages, in: warm)
            let ahead = prefillAhead(engine, warm)
            let aheadStats = try XCTUnwrap(ahead.stats, ahead.failure ?? "")
            XCTAssertEqual(aheadStats.stopReason, .endOfTurn)
            XCTAssertEqual(aheadStats.promptTokens, (prefix.count - 32) / 128 * 128)
            XCTAssertEqual(aheadStats.processedPromptTokens, aheadStats.promptTokens)
            XCTAssertEqual(aheadStats.contextUsed, aheadStats.promptTokens)
            XCTAssertEqual(warm.messages.count, 1, "the messages are left alone")
            XCTAssertEqual(ahead.progress.first, "0/\(aheadStats.promptTokens) tokens")
            XCTAssertEqual(ahead.progress.last, "\(aheadStats.promptTokens)/\(aheadStats.promptTokens) tokens")

            warm.addUser(question)
            XCTAssertEqual(try engine.promptTokens(for: warm), coldPrompt, "the same prompt, token for token")
            let warmReply = reply(engine, warm)
            let stats = try XCTUnwrap(warmReply.stats), coldStats = try XCTUnwrap(coldReply.stats)
            XCTAssertEqual(warmReply.ids, coldReply.ids, question)
            XCTAssertEqual(warmReply.ids.count, 16)
            XCTAssertEqual(stats.promptTokens, coldStats.promptTokens)
            XCTAssertEqual(coldStats.processedPromptTokens, coldPrompt.count)
            XCTAssertEqual(stats.processedPromptTokens, coldPrompt.count - aheadStats.promptTokens, "the rest ran")
            XCTAssertEqual(stats.processedPromptTokens, coldPrompt.count - prefix.count + (prefix.count - aheadStats.promptTokens))
            XCTAssertGreaterThanOrEqual(prefix.count - aheadStats.promptTokens, 32)
            XCTAssertLessThan(prefix.count - aheadStats.promptTokens, 32 + 128)
        }
    }

    /// Warming what the cache already holds does nothing, and keeps what follows it (the
    /// last reply), so a follow-up still runs only its own tokens.
    func testWarmingAgainKeepsTheConversation() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        conversation.addUser(Self.questions[0])
        _ = reply(engine, conversation, maxTokens: 6)
        let used = conversation.contextUsed

        for history in [Array(conversation.messages.prefix(1)), conversation.messages] {
            let again = prefillAhead(engine, conversation, history: history)
            XCTAssertEqual(again.stats?.processedPromptTokens, 0)
            XCTAssertEqual(again.progress, [], "nothing to do, nothing to say")
            XCTAssertEqual(conversation.contextUsed, used)
        }

        conversation.addUser(Self.questions[1])
        let followUp = reply(engine, conversation, maxTokens: 4)
        XCTAssertLessThan(try XCTUnwrap(followUp.stats).processedPromptTokens, 20)
    }

    /// A new chat with the same context over a longer conversation: nothing runs (the
    /// context is cached), and the chat's context is the prefix, not the old conversation
    /// still behind it in the cache (the status bar showed the old count over an empty chat).
    func testANewChatOverALongerConversationCountsOnlyItsOwnContext() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        conversation.addUser(Self.questions[0])
        _ = reply(engine, conversation, maxTokens: 6)
        let long = conversation.contextUsed
        conversation.setMessages([ChatMessage(.system, Self.system)])
        let prefix = try engine.promptPrefix(after: conversation.messages, in: conversation)
        let fresh = try XCTUnwrap(prefillAhead(engine, conversation).stats)
        XCTAssertEqual(fresh.processedPromptTokens, 0)
        XCTAssertEqual(fresh.contextUsed, prefix.count)
        XCTAssertLessThan(fresh.contextUsed, long)
    }

    /// Another context: the cache is cut back to what the two share (down to a multiple
    /// of 128), then the rest runs, and the reply is the cold one.
    func testAnotherContextReplacesTheCachedOne() throws {
        let engine = try TestModel.engine()
        let conversation = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        let first = try XCTUnwrap(prefillAhead(engine, conversation).stats)
        let other = Self.system.replacingOccurrences(of: "ECG: atrial fibrillation", with: "ECG: sinus rhythm")
        let before = try engine.promptPrefix(after: conversation.messages, in: conversation)
        conversation.setMessages([ChatMessage(.system, other)])
        let after = try engine.promptPrefix(after: conversation.messages, in: conversation)
        var shared = 0
        while before[shared] == after[shared] { shared += 1 }
        XCTAssertGreaterThan(shared, 128)
        XCTAssertLessThan(shared, first.promptTokens)
        let second = try XCTUnwrap(prefillAhead(engine, conversation).stats)
        XCTAssertEqual(second.contextUsed, second.promptTokens)
        XCTAssertEqual(second.processedPromptTokens, second.promptTokens - shared / 128 * 128, "the shared blocks stayed")

        let cold = Conversation(model: engine.model, contextSize: 1024, system: other)
        cold.addUser(Self.questions[0])
        conversation.addUser(Self.questions[0])
        XCTAssertEqual(reply(engine, conversation).ids, reply(engine, cold).ids)
    }

    /// A cancel lands between chunks; what ran stays cached and a reply queued meanwhile
    /// continues from there, with the cold reply's tokens.
    func testACancelledWarmUpLeavesWhatRanAndTheReplyContinues() throws {
        let engine = try TestModel.engine()
        let cold = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        cold.addUser(Self.questions[0])
        let coldReply = reply(engine, cold)

        let warm = Conversation(model: engine.model, contextSize: 1024, system: Self.system)
        let ahead = Recorder()
        // After the first chunk the question comes: the warm-up is cancelled and the reply
        // queued behind it, as the chat session does.
        final class Box: @unchecked Sendable { var handle: GenerationHandle? }
        let box = Box()
        let started = DispatchSemaphore(value: 0)
        let answered = DispatchSemaphore(value: 0)
        let answer = Recorder()
        ahead.onProgress = { n in
            guard n == 2 else { return }
            started.wait()
            box.handle?.cancel()
            warm.addUser(Self.questions[0])
            engine.reply(to: warm, settings: .greedy, maxTokens: 16) { event in
                answer.handle(event)
                switch event {
                case .finished, .failed: answered.signal()
                case .token, .progress: break
                }
            }
        }
        box.handle = engine.prefillAhead(of: warm.messages, in: warm) { ahead.handle($0) }
        started.signal()
        box.handle?.wait()
        XCTAssertEqual(answered.wait(timeout: .now() + 120), .success)
        let aheadStats = try XCTUnwrap(ahead.stats)
        XCTAssertEqual(aheadStats.stopReason, .cancelled)
        XCTAssertEqual(aheadStats.processedPromptTokens, Engine.prefillAheadChunk, "stopped after the chunk it was in")
        XCTAssertGreaterThan(aheadStats.promptTokens, Engine.prefillAheadChunk)
        XCTAssertEqual(ahead.progress.count, 2)
        let stats = try XCTUnwrap(answer.stats, answer.failure ?? "")
        XCTAssertEqual(answer.ids, coldReply.ids)
        XCTAssertEqual(stats.processedPromptTokens, stats.promptTokens - aheadStats.processedPromptTokens,
                       "the reply continued from the cache")
    }
}

