import Foundation
import TestSupport
@testable import Workstation
import XCTest

/// `DatasetCollection` on a real temporary library (`DatasetFixtures`): which studies
/// become examples, the exact lines, and what is left out and why.
final class DatasetCollectionTests: XCTestCase {
    private var fixtures: DatasetFixtures!

    override func setUpWithError() throws { fixtures = try DatasetFixtures() }
    override func tearDown() { fixtures.cleanUp() }

    private func collect() throws -> DatasetCollection {
        DatasetCollection(studies: try StudyLibrary(path: fixtures.library).studies, store: ReportStore(fallbackRoot: fixtures.fallback))
    }

    func testSignedOffStudiesBecomeChatExamplesInStudyOrder() throws {
        let collection = try collect()
        XCTAssertEqual(collection.examples.map(\.study), ["ds-amended", "ds-final"])
        let line = collection.examples[1].jsonLine()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["messages", "study", "images_sha256", "reviewer"])
        XCTAssertEqual(json["study"] as? String, "ds-final")
        XCTAssertEqual(json["images_sha256"] as? [String], [try Sha256Sum.of(fixtures.imagePath("ds-final"))])
        XCTAssertEqual(json["reviewer"] as? [String: String], ["name": "Ada Lovelace", "role": "radiologist",
                                                              "signedOffAt": "2026-11-29T12:00:00Z", "status": "final"])
        let messages = try XCTUnwrap(json["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["system", "user", "assistant"])
        let caseFile = try XCTUnwrap(Study(path: fixtures.library + "/ds-final").caseFile)
        let system = try XCTUnwrap(messages[0]["content"] as? [[String: String]])
        XCTAssertEqual(system, [["type": "text", "text": ReportPrompt.system(for: caseFile)]])
        XCTAssertTrue(system[0]["text"]!.contains("Clinical history: Cough.\n"), system[0]["text"]!)
        XCTAssertFalse(system[0]["text"]!.contains("SYN-ds-final"), "the patient id never reaches the model")
        let user = try XCTUnwrap(messages[1]["content"] as? [[String: String]])
        let image = URL(fileURLWithPath: fixtures.imagePath("ds-final")).standardizedFileURL.path
        XCTAssertEqual(user.count, 2)
        XCTAssertEqual(user[0], ["type": "image", "image": image])
        XCTAssertEqual(user[1]["type"], "text")
        XCTAssertTrue(user[1]["text"]!.hasPrefix("Write a draft imaging report for this case"), user[1]["text"]!)
        XCTAssertTrue(user[1]["text"]!.contains("Image, attached: "), "asked as with the image attached: \(user[1]["text"]!)")
        XCTAssertEqual(messages[2]["content"] as? [[String: String]], [["type": "text", "text": DatasetFixtures.report]])
        XCTAssertTrue(line.hasPrefix("{\"images_sha256\":["), "sorted keys, one line: \(line.prefix(40))")
        XCTAssertFalse(line.contains("\n"))
    }

    func testTheAmendedReportIsTheTextAsSigned() throws {
        let amended = try XCTUnwrap(try collect().examples.first)
        XCTAssertEqual(amended.reviewer.status, .amended)
        XCTAssertEqual(amended.messages[2].content, [.text(DatasetFixtures.report + "\n2. Small left effusion.")])
    }

    func testUnsignedAndProtectedStudiesAreLeftOutAndCounted() throws {
        let collection = try collect()
        XCTAssertEqual(collection.leftOut.map(\.study).map { ($0 as NSString).lastPathComponent }.sorted(), ["ds-protected", "ds-unsigned"])
        XCTAssertEqual(collection.count { $0 == .notSignedOff }, 1)
        XCTAssertEqual(collection.count { $0 == .protectedIdentifier }, 1)
        XCTAssertFalse(collection.examples.contains { $0.jsonLine().localizedCaseInsensitiveContains("7654321") })
    }

    func testThePatientIdInTheReportIsProtectedToo() throws {
        try replaceReport(of: "ds-final", with: DatasetFixtures.report + "\nPatient syn-DS-FINAL.")
        let collection = try collect()
        XCTAssertEqual(collection.examples.map(\.study), ["ds-amended"])
        XCTAssertEqual(collection.count { $0 == .protectedIdentifier }, 2)
    }

    func testAnImageChangedSinceTheSignOffLeavesTheStudyOut() throws {
        _ = FileManager.default.createFile(atPath: fixtures.imagePath("ds-final"), contents: Data("another picture".utf8))
        let collection = try collect()
        XCTAssertEqual(collection.examples.map(\.study), ["ds-amended"])
        let path = fixtures.library + "/ds-final/cxr.png"
        XCTAssertTrue(collection.leftOut.contains { $0.reason == .unusable("\(path): image changed since the report was signed off") },
                      "\(collection.leftOut)")
    }

    func testOnlyTheNewestReportCounts() throws {
        // Saved again in the same second, unsigned: the newer file (report-…-2) is the report now.
        let study = Study(path: fixtures.library + "/ds-final")
        let saved = try XCTUnwrap(ReportStore(fallbackRoot: fixtures.fallback).latestSaved(for: study))
        var stamp = try XCTUnwrap(SignedReport.read(saved).stamp)
        stamp.reviewer = ReviewerFields()
        let again = try ReportStore(fallbackRoot: fixtures.fallback).save(DraftReport(text: "new", stamp: stamp), for: study,
                                                                         date: DatasetFixtures.date, timeZone: DatasetFixtures.utc)
        XCTAssertTrue(again.markdownPath.hasSuffix("-2.md"), again.markdownPath)
        XCTAssertEqual(ReportStore(fallbackRoot: fixtures.fallback).latestSaved(for: study)?.markdownPath, again.markdownPath)
        XCTAssertEqual(try collect().examples.map(\.study), ["ds-amended"])
    }

    private func replaceReport(of id: String, with text: String) throws {
        let study = Study(path: fixtures.library + "/" + id)
        let store = ReportStore(fallbackRoot: fixtures.fallback)
        let saved = try XCTUnwrap(store.latestSaved(for: study))
        let stamp = try SignedReport.read(saved).stamp
        _ = try store.save(DraftReport(text: text, stamp: stamp), for: study, date: DatasetFixtures.date.addingTimeInterval(60),
                           timeZone: DatasetFixtures.utc)
    }
}
