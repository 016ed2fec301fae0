import Foundation
import Workstation
import XCTest
import TestSupport

/// Faults injected under the whole workstation in a real terminal, with the real default
/// model: the disk filling up (a file-size limit), the data folder impossible to write,
/// the saved conversation and the draft's autosave damaged. Each must end with the draft
/// kept, one clear line, and an application that goes on working.
final class WorkstationFaultTmuxTests: XCTestCase {
    private var work: URL!
    private var app: WorkstationAppDriver { WorkstationAppDriver(work: work) }

    override func setUpWithError() throws {
        work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tuifault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: work)
    }

    /// A full disk while the draft is autosaved and saved (`ulimit -f 8`: every file write
    /// past 8 KiB fails with EFBIG, as on a full disk): the status bar says so, the draft
    /// stays in the editor, no partial file is left, chatting goes on, another study does
    /// not open over the draft, and quitting prints the draft after the screen is restored.
    func testAFullDiskKeepsTheDraftAndTheApplicationWorking() throws {
        let samples = try copiedSamples(count: 2)
        let tmux = try app.start(samples: samples.path, limits: "ulimit -f 8;")
        try app.waitFor(tmux, "start") { $0.contains("in-process · idle") }
        try tmux.sendKeys("Tab")
        try app.command(tmux, "set max-tokens 4", expect: "replies stop after 4 tokens")
        try tmux.sendKeys("r")
        try app.waitFor(tmux, "draft written", timeout: 120) { $0.contains("Report · unsaved") && $0.contains("in-process · idle") }
        // About 10 KB of review: more than any file may now hold.
        let paragraph = (1...120).map { "Line \($0) of the reviewer's notes, kept whatever the disk says." }.joined(separator: "\n")
        try tmux.sendKeys("C-e", "Enter")
        try tmux.paste(paragraph + "\nEND OF THE REVIEW")
        try app.waitFor(tmux, "autosave failure", timeout: 20) { $0.contains("autosave failed:") && $0.contains("File too large") }
        try tmux.sendKeys("C-s")
        let refused = try app.waitFor(tmux, "save refused", timeout: 120) { $0.contains("cannot save the report") }
        XCTAssertTrue(refused.contains("END OF THE REVIEW"), "the draft is still in the editor:\n\(refused)")
        // No partial or temporary file; the recovery folder keeps the last good autosave
        // (the model's draft, before the paste), as an atomic write leaves it.
        let reports = "\(samples.path)/\(try firstStudy(in: samples).folderName)/reports"
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? [], [])
        let recovery = work.path + "/data/medgemma/recovery"
        let kept = try FileManager.default.contentsOfDirectory(atPath: recovery)
        XCTAssertEqual(kept.count, 1, "\(kept)")
        let autosaved = try String(contentsOfFile: recovery + "/" + kept[0], encoding: .utf8)
        XCTAssertFalse(autosaved.contains("reviewer's notes"), autosaved)

        // The application goes on: a question is answered.
        try tmux.sendKeys("Escape")
        try app.waitFor(tmux, "chat") { $0.contains("Transcript") }
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "Still answering?")
        try tmux.sendKeys("Enter")
        try app.waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }

        // Another study would replace the only copy of the draft: refused, with the reason.
        try tmux.sendKeys("Tab", "o")
        try app.waitFor(tmux, "study browser") { $0.contains("Enter opens") }
        try tmux.sendKeys("Down", "Enter")
        try app.waitFor(tmux, "not opened") { $0.contains("not opened: the report draft could not be autosaved") }

        // Quit: the draft is printed once the screen is restored.
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try app.waitForResult(), "rc=0 same=yes")
        let printed = try tmux.screenWithHistory().joined(separator: "\n")
        let header = try XCTUnwrap(printed.range(of: "--- unsaved draft report for \(samples.path)/"), printed)
        XCTAssertTrue(printed[header.upperBound...].contains("(autosave failed: cannot autosave the draft:"), printed)
        let body = try XCTUnwrap(printed.range(of: "Line 1 of the reviewer's notes"), printed)
        let end = try XCTUnwrap(printed.range(of: "END OF THE REVIEW\n--- end of the unsaved draft ---"), printed)
        XCTAssertLessThan(header.upperBound, body.lowerBound)
        XCTAssertLessThan(body.upperBound, end.lowerBound)
        XCTAssertTrue(printed.contains("Line 120 of the reviewer's notes"), printed)
    }

    /// The data folder cannot be made (a file is in its way: even root cannot write there):
    /// the conversation's failed save is said, the draft's autosave failure is said, the
    /// report still saves with the study, and the quit says the conversation was not kept.
    func testAnUnwritableDataFolderIsSaidAndTheReportStillSavesWithTheStudy() throws {
        let samples = try copiedSamples(count: 1)
        let blocker = work.appendingPathComponent("not-a-folder")
        try Data("a file where the data folder's parent should be".utf8).write(to: blocker)
        let tmux = try app.start(samples: samples.path, dataHome: blocker.path + "/data")
        try app.waitFor(tmux, "start") { $0.contains("in-process · idle") }
        try askBriefly(tmux, "Is this kept?", answered: "conversation not saved") {
            $0.contains("cannot save the conversation") && $0.contains("in-process · idle")
        }
        try tmux.sendKeys("Tab", "r")
        try app.waitFor(tmux, "draft written", timeout: 120) { $0.contains("Report · unsaved") && $0.contains("in-process · idle") }
        try tmux.sendKeys("C-e", "Enter")
        try tmux.sendKeys("-l", "Reviewed with nowhere to autosave.")
        try app.waitFor(tmux, "autosave failure", timeout: 20) { $0.contains("autosave failed:") }
        try tmux.sendKeys("C-s")
        try app.waitFor(tmux, "saved with the study", timeout: 120) { $0.contains("report saved:") }
        let reports = "\(samples.path)/\(try firstStudy(in: samples).folderName)/reports"
        let saved = try FileManager.default.contentsOfDirectory(atPath: reports).filter { $0.hasSuffix(".md") }
        XCTAssertEqual(saved.count, 1, "\(saved)")
        let text = try String(contentsOfFile: reports + "/" + saved[0], encoding: .utf8)
        XCTAssertTrue(text.contains("Reviewed with nowhere to autosave."), text)

        try tmux.sendKeys("Escape")
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try app.waitForResult(), "rc=0 same=yes")
        let printed = try tmux.screenWithHistory().joined(separator: "\n")
        XCTAssertTrue(printed.contains("medgemma: the conversation was not saved:"), printed)
        XCTAssertFalse(printed.contains("--- unsaved draft report"), "the draft was saved: nothing to print\n\(printed)")
    }

    /// A damaged saved conversation and a damaged draft autosave for the study that opens:
    /// both are said on the status line (neither hides the other), the draft's file is set
    /// aside as evidence, and the application works: the next conversation is saved over
    /// the damaged one.
    func testDamagedSavedConversationAndAutosaveAreSaidAndSetAside() throws {
        let samples = try copiedSamples(count: 1)
        let study = try firstStudy(in: samples)
        let data = work.appendingPathComponent("data/medgemma")
        let conversation = TranscriptStore(directory: data.path + "/conversations").path(forStudyAt: study.path)
        let draft = DraftRecovery(directory: data.path + "/recovery").path(forStudyAt: study.path)
        for file in [conversation, draft] {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data([0x7B, 0x22, 0xFF, 0x00, 0x1B, 0x5B, 0x32, 0x4A]).write(to: URL(fileURLWithPath: file))  // {"\xFF NUL ESC[2J
        }
        // 200 columns: the status line has room for both notes.
        let tmux = try app.start(samples: samples.path, columns: 200, rows: 40)
        let screen = try app.waitFor(tmux, "both notes") {
            $0.contains("saved conversation is not valid JSON of this workstation; ignored · damaged draft autosave")
        }
        XCTAssertFalse(screen.contains("Restore it?"), screen)
        XCTAssertTrue(FileManager.default.fileExists(atPath: draft + ".corrupt"), "the damaged autosave is kept aside")
        XCTAssertFalse(FileManager.default.fileExists(atPath: draft))

        try app.waitFor(tmux, "idle") { $0.contains("in-process · idle") }
        try askBriefly(tmux, "A new question.", answered: "reply") { $0.contains("tok/s") && $0.contains("in-process · idle") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try app.waitForResult(), "rc=0 same=yes")
        let restored = try XCTUnwrap(try TranscriptStore(directory: data.path + "/conversations").restore(forStudyAt: study.path))
        XCTAssertEqual(restored.entries.first { $0.role == .user }?.text, "A new question.")
    }

    // MARK: - Helpers

    /// Replies cut to two tokens, then `question` sent from the input; waits for `answered`.
    private func askBriefly(_ tmux: TmuxHarness, _ question: String, answered what: String,
                            _ predicate: @escaping (String) -> Bool) throws {
        try tmux.sendKeys("Tab")
        try app.command(tmux, "set max-tokens 2", expect: "replies stop after 2 tokens")
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", question)
        try tmux.sendKeys("Enter")
        try app.waitFor(tmux, what, timeout: 120, predicate)
    }

    /// The first `count` usable sample studies copied into the test's folder (writable,
    /// and their reports kept apart from the repository's).
    private func copiedSamples(count: Int) throws -> URL {
        let samples = work.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        for study in library.studies.filter(\.isUsable).prefix(count) {
            try FileManager.default.copyItem(at: study.folder, to: samples.appendingPathComponent(study.folderName))
        }
        return samples
    }

    /// The study the workstation opens first in `samples`.
    private func firstStudy(in samples: URL) throws -> Study {
        try XCTUnwrap(try StudyLibrary(path: samples.path).studies.first(where: \.isUsable))
    }
}
