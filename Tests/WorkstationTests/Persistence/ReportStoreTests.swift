import Foundation
import XCTest
@testable import Workstation

final class ReportStoreTests: XCTestCase {
    private var root = ""

    override func setUp() { root = ReportFixtures.temporaryFolder("report-store") }
    override func tearDown() { ReportFixtures.cleanUp(root) }

    private var draft: DraftReport { DraftReport(text: ReportFixtures.reportText, stamp: ReportFixtures.stamp()) }
    private var store: ReportStore { ReportStore(fallbackRoot: root + "/data/reports") }

    func testSavesIntoTheStudysReportsFolderPrivately() throws {
        let study = try ReportFixtures.study(in: root)
        let saved = try store.save(draft, for: study, date: ReportFixtures.date, timeZone: ReportFixtures.utc)
        let folder = study.folder.path + "/reports"
        XCTAssertEqual(saved, SavedReport(markdownPath: folder + "/report-20261129T114200Z.md",
                                          fhirPath: folder + "/report-20261129T114200Z.fhir.json",
                                          directory: folder, usedFallback: false))
        XCTAssertEqual(ReportFixtures.mode(folder), 0o700)
        XCTAssertEqual(ReportFixtures.mode(saved.markdownPath), 0o600)
        XCTAssertEqual(ReportFixtures.mode(saved.fhirPath), 0o600)
        let md = try String(contentsOfFile: saved.markdownPath, encoding: .utf8)
        XCTAssertEqual(md, MarkdownReportWriter.render(draft, subject: ReportFixtures.subject, savedAt: "2026-11-29T11:42:00Z"))
        let fhir = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved.fhirPath))) as? [String: Any])
        XCTAssertEqual(fhir["conclusion"] as? String, "1. Cardiomegaly.\n2. Pulmonary venous congestion.")
        let form = try XCTUnwrap((fhir["presentedForm"] as? [[String: Any]])?.first?["data"] as? String)
        XCTAssertEqual(Data(base64Encoded: form), Data(md.utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["report-20261129T114200Z.fhir.json", "report-20261129T114200Z.md"], "no temporary files left")

        let again = try store.save(draft, for: study, date: ReportFixtures.date, timeZone: ReportFixtures.utc)
        XCTAssertEqual(again.markdownPath, folder + "/report-20261129T114200Z-2.md", "a second save in the same second does not overwrite")
        XCTAssertEqual(again.fhirPath, folder + "/report-20261129T114200Z-2.fhir.json")
        XCTAssertEqual(store.latestSavedText(for: study), ReportFixtures.reportText)
    }

    /// A read-only study folder: the report goes to the user's data folder. As root,
    /// permission bits stop nothing, so a file named `reports` makes the folder unusable.
    func testReadOnlyStudyFallsBackToTheDataFolder() throws {
        let study = try ReportFixtures.study(in: root)
        if ReportFixtures.isRoot {
            try Data("in the way".utf8).write(to: URL(fileURLWithPath: study.folder.path + "/reports"))
        } else {
            XCTAssertEqual(chmod(study.folder.path, 0o555), 0)
        }
        let saved = try store.save(draft, for: study, date: ReportFixtures.date, timeZone: ReportFixtures.utc)
        let folder = root + "/data/reports/cxr-test"
        XCTAssertTrue(saved.usedFallback)
        XCTAssertEqual(saved.directory, folder)
        XCTAssertEqual(saved.markdownPath, folder + "/report-20261129T114200Z.md")
        XCTAssertEqual(ReportFixtures.mode(folder), 0o700)
        XCTAssertEqual(ReportFixtures.mode(saved.fhirPath), 0o600)
        XCTAssertEqual(MarkdownReportWriter.reportText(in: try String(contentsOfFile: saved.markdownPath, encoding: .utf8)),
                       ReportFixtures.reportText)
        XCTAssertEqual(store.latestSavedText(for: study), ReportFixtures.reportText, "found in the fallback folder too")
    }

    func testNowhereToWriteIsOneClearLineAndLeavesNothing() throws {
        let study = try ReportFixtures.study(in: root)
        try Data().write(to: URL(fileURLWithPath: study.folder.path + "/reports"))
        try Data().write(to: URL(fileURLWithPath: root + "/blocked"))
        let store = ReportStore(fallbackRoot: root + "/blocked/reports")
        let before = draft
        var caught: ReportStoreError?
        do {
            _ = try store.save(before, for: study, date: ReportFixtures.date)
        } catch {
            caught = error
        }
        let error = try XCTUnwrap(caught)
        XCTAssertEqual(error.study, "cxr-test")
        XCTAssertEqual(error.attempts.map(\.directory), [study.folder.path + "/reports", root + "/blocked/reports/cxr-test"])
        XCTAssertEqual(error.attempts[0].reason, "a file is in the way of the folder")
        XCTAssertTrue(error.description.hasPrefix("cannot save the report for cxr-test: \(study.folder.path)/reports: a file is in the way of the folder; \(root)/blocked/reports/cxr-test: cannot create the folder ("), error.description)
        XCTAssertTrue(error.description.hasSuffix(" (the draft is kept)"))
        XCTAssertFalse(error.description.contains("\n"))
        XCTAssertEqual(before, draft)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: study.folder.path).sorted(), ["case.json", "cxr.png", "reports"])
    }

    func testAChosenFolderGetsStudyNamedFilesAndNoFallback() throws {
        let study = try ReportFixtures.study(in: root)
        let out = root + "/out/batch"
        let saved = try store.save(draft, for: study, into: out, date: ReportFixtures.date)
        XCTAssertEqual(saved.markdownPath, out + "/cxr-test-report-20261129T114200Z.md")
        XCTAssertEqual(saved.fhirPath, out + "/cxr-test-report-20261129T114200Z.fhir.json")
        XCTAssertFalse(saved.usedFallback)
        XCTAssertFalse(FileManager.default.fileExists(atPath: study.folder.path + "/reports"), "the study folder is left alone")
    }

    func testAStudyWithoutACaseCannotBeSaved() throws {
        let folder = root + "/broken"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertThrowsError(try store.save(draft, for: Study(path: folder))) { error in
            XCTAssertEqual("\(error)", "cannot save the report for broken: the study's case.json could not be read (the draft is kept)")
        }
    }
}
