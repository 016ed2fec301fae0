import Foundation
import XCTest
@testable import Workstation

final class DraftRecoveryTests: XCTestCase {
    private var root = ""

    override func setUp() { root = ReportFixtures.temporaryFolder("draft-recovery") }
    override func tearDown() { ReportFixtures.cleanUp(root) }

    func testAutosaveComesBackAfterACrash() throws {
        let recovery = DraftRecovery(directory: root + "/recovery")
        let studyPath = root + "/studies/cxr-test"
        try recovery.save(text: "## Findings\n\nEdited.", stamp: ReportFixtures.stamp(), forStudyAt: studyPath,
                          date: ReportFixtures.date, timeZone: ReportFixtures.plusOne)
        let file = recovery.path(forStudyAt: studyPath)
        XCTAssertEqual(file, root + "/recovery/" + StudyKey.key(forStudyAt: studyPath) + ".json")
        XCTAssertEqual(ReportFixtures.mode(file), 0o600)

        // A new process: nothing but the file.
        let found = try XCTUnwrap(try DraftRecovery(directory: root + "/recovery").pendingRecovery(forStudyAt: studyPath))
        XCTAssertEqual(found.text, "## Findings\n\nEdited.")
        XCTAssertEqual(found.stamp, ReportFixtures.stamp())
        XCTAssertEqual(found.savedAt, "2026-11-29T12:42:00+01:00")
        XCTAssertEqual(found.studyPath, URL(fileURLWithPath: studyPath).standardizedFileURL.resolvingSymlinksInPath().path)
        XCTAssertEqual(found.version, 1)
    }

    func testNothingToOfferWhenTheDraftWasSavedAsIsOrDiscarded() throws {
        let recovery = DraftRecovery(directory: root + "/recovery")
        let studyPath = root + "/cxr-test"
        XCTAssertNil(try recovery.pendingRecovery(forStudyAt: studyPath), "no autosave yet")
        try recovery.save(text: "## Impression\n\nNormal.\n", stamp: nil, forStudyAt: studyPath)
        XCTAssertNil(try recovery.pendingRecovery(forStudyAt: studyPath, lastSavedText: "\n## Impression\n\nNormal."),
                     "the saved report holds the same text")
        XCTAssertNotNil(try recovery.pendingRecovery(forStudyAt: studyPath, lastSavedText: "## Impression\n\nAbnormal."))
        recovery.discard(forStudyAt: studyPath)
        XCTAssertNil(try recovery.pendingRecovery(forStudyAt: studyPath))
    }

    func testACorruptFileIsMovedAsideAndReportedOnce() throws {
        let recovery = DraftRecovery(directory: root + "/recovery")
        let studyPath = root + "/cxr-test"
        let file = recovery.path(forStudyAt: studyPath)
        try FileManager.default.createDirectory(atPath: root + "/recovery", withIntermediateDirectories: true)
        try Data("{\"version\": 1, \"text\": ".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try recovery.pendingRecovery(forStudyAt: studyPath)) { error in
            XCTAssertEqual(error as? DraftRecoveryError,
                           .corrupt(path: file, problem: "not valid draft JSON", movedTo: file + ".corrupt"))
            XCTAssertEqual("\(error)", "\(file): damaged draft recovery file (not valid draft JSON); kept as \(file).corrupt")
        }
        XCTAssertEqual(try String(contentsOfFile: file + ".corrupt", encoding: .utf8), "{\"version\": 1, \"text\": ", "kept, not deleted")
        XCTAssertNil(try recovery.pendingRecovery(forStudyAt: studyPath), "afterwards there is no recovery")
    }

    func testAnotherVersionIsDamagedToo() throws {
        let recovery = DraftRecovery(directory: root + "/recovery")
        let studyPath = root + "/cxr-test"
        try recovery.save(text: "x", stamp: nil, forStudyAt: studyPath)
        let file = recovery.path(forStudyAt: studyPath)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        object["version"] = 7
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try recovery.pendingRecovery(forStudyAt: studyPath)) { error in
            XCTAssertEqual(error as? DraftRecoveryError, .corrupt(path: file, problem: "unsupported version 7", movedTo: file + ".corrupt"))
        }
    }

    func testAnUnwritableFolderIsOneLine() throws {
        try Data().write(to: URL(fileURLWithPath: root + "/file"))
        let recovery = DraftRecovery(directory: root + "/file/recovery")
        XCTAssertThrowsError(try recovery.save(text: "x", stamp: nil, forStudyAt: root + "/s")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot autosave the draft: \(root)/file/recovery/"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
