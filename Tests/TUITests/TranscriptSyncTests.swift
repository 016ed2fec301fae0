@testable import TUI
import Workstation
import XCTest

final class TranscriptSyncTests: XCTestCase {
    private let note = TranscriptEntry(role: .note, text: "note")
    private let user = TranscriptEntry(role: .user, text: "hi")

    func testPlans() {
        let partial = TranscriptEntry(role: .model, text: "Hel")
        let more = TranscriptEntry(role: .model, text: "Hello")
        XCTAssertEqual(TranscriptSync.plan(shown: [note], new: [note]), .none)
        XCTAssertEqual(TranscriptSync.plan(shown: [note], new: [note, user, partial]), .append(from: 1))
        XCTAssertEqual(TranscriptSync.plan(shown: [note, user, partial], new: [note, user, more]), .replaceLast)
        XCTAssertEqual(TranscriptSync.plan(shown: [note, user, more], new: [note]), .rebuild)
        XCTAssertEqual(TranscriptSync.plan(shown: [], new: [note]), .append(from: 0))
    }

    func testApplyKeepsTheViewEqualToAFreshLayout() {
        var view = TranscriptView(width: 30, height: 5)
        var shown: [TranscriptEntry] = []
        let steps: [[TranscriptEntry]] = [
            [note],
            [note, user, TranscriptEntry(role: .model, text: "")],
            [note, user, TranscriptEntry(role: .model, text: "The heart is")],
            [note, user, TranscriptEntry(role: .model, text: "The heart is enlarged.", timing: "1 tok/s")],
            [note],
        ]
        for step in steps {
            TranscriptSync.apply(shown: shown, new: step, to: &view)
            shown = step
            var fresh = TranscriptView(width: 30, height: 5)
            for entry in step { fresh.append(entry) }
            XCTAssertEqual(view.layout.lines, fresh.layout.lines)
        }
    }
}
