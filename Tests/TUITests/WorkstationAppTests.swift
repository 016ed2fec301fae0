@testable import TUI
import Gemma
@testable import Workstation
import XCTest

/// The app's pure pieces; the running app is covered by `WorkstationAppTmuxTests`.
final class WorkstationAppTests: XCTestCase {
    func testTranscriptStartsWithTheDisclaimerAndMarksOnlyStoppedRepliesIncomplete() {
        var snapshot = ChatSession.Snapshot(
            entries: [Workstation.TranscriptEntry(role: .user, text: "Q"),
                      Workstation.TranscriptEntry(role: .model, text: "A", isComplete: false)],
            isGenerating: true, liveTokens: 1, liveTokensPerSecond: 0, lastStats: nil, contextUsed: 0,
            contextSize: 4096, revision: 3)
        var entries = WorkstationApp.entries(for: snapshot, caseTitle: "CXR")
        XCTAssertEqual(entries[0], TUI.TranscriptEntry(role: .note, text: Disclaimer.text))
        XCTAssertEqual(entries[1].role, .note)
        XCTAssertTrue(entries[1].text.contains("CXR"))
        XCTAssertEqual(entries[2].role, .user)
        XCTAssertFalse(entries[3].isIncomplete, "still streaming")
        snapshot.isGenerating = false
        entries = WorkstationApp.entries(for: snapshot, caseTitle: nil)
        XCTAssertEqual(entries.count, 3)
        XCTAssertTrue(entries[2].isIncomplete, "stopped early")
    }

    func testEnlargeMessageNamesTheMinimum() {
        XCTAssertEqual(WorkstationApp.enlargeMessage, "Enlarge the terminal (needs at least 60×18)")
    }
}
