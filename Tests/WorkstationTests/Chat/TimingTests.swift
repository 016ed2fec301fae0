import Gemma
import Workstation
import XCTest

/// The timing line under every reply, from hand-set statistics.
final class TimingTests: XCTestCase {
    func testInProcessReplyShowsEveryFigure() {
        var s = GenerationStats(stopReason: .endOfTurn)
        s.promptTokens = 120
        s.processedPromptTokens = 100
        s.prefill = .milliseconds(250)
        s.timeToFirstToken = .milliseconds(260)
        s.generatedTokens = 11
        s.decode = .milliseconds(500)
        s.contextUsed = 131
        s.contextSize = 4096
        XCTAssertEqual(Timing.line(s), "prompt 100 tokens (+20 cached) at 400.0 tok/s, first token after 0.26 s, "
                       + "11 tokens at 20.0 tok/s (end of turn); context 131/4096")
    }

    /// A server that reports no usage: no prompt figures and no context, rather than zeros.
    func testServerWithoutUsageLeavesOutWhatItCannotKnow() {
        var s = GenerationStats(stopReason: .maxTokens)
        s.timeToFirstToken = .milliseconds(1500)
        s.generatedTokens = 6
        s.decode = .seconds(1)
        XCTAssertEqual(Timing.line(s), "first token after 1.50 s, 6 tokens at 5.0 tok/s (token limit)")
    }
}
