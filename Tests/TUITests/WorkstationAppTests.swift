@testable import TUI
import Gemma
@testable import Workstation
import XCTest

/// The app's pure pieces; the running app is covered by `WorkstationAppTmuxTests`.
final class WorkstationAppTests: XCTestCase {
    func testTranscriptStartsWithTheDisclaimerAndMarksOnlyStoppedRepliesIncomplete() {
        var snapshot = ChatSession.Snapshot(
            entries: [TranscriptEntry(role: .user, text: "Q"),
                      TranscriptEntry(role: .model, text: "A", isComplete: false)],
            isGenerating: true, liveTokens: 1, liveTokensPerSecond: 0, lastStats: nil, contextUsed: 0,
            contextSize: 4096, revision: 3)
        var entries = WorkstationApp.entries(for: snapshot, caseTitle: "CXR")
        XCTAssertEqual(entries[0], TranscriptEntry(role: .note, text: Disclaimer.text))
        XCTAssertEqual(entries[1].role, .note)
        XCTAssertTrue(entries[1].text.contains("CXR"))
        XCTAssertEqual(entries[2].role, .user)
        XCTAssertTrue(entries[3].isComplete, "still streaming")
        snapshot.isGenerating = false
        entries = WorkstationApp.entries(for: snapshot, caseTitle: nil)
        XCTAssertEqual(entries.count, 3)
        XCTAssertFalse(entries[2].isComplete, "stopped early")
    }

    func testEnlargeMessageNamesTheMinimum() {
        XCTAssertEqual(WorkstationApp.enlargeMessage, "Enlarge the terminal (needs at least 60×18)")
    }
}
