import Foundation
import XCTest
@testable import Workstation

final class ReportStampTests: XCTestCase {
    func testStampRecordsSettingsPromptsTimeAndEmptyReview() {
        let stamp = ReportFixtures.stamp(images: [ReportFixtures.ctImage])
        XCTAssertEqual(stamp.engineVersion, "0.1.0")
        XCTAssertEqual(stamp.model, StampedFile(name: "gemma-3-270m-q4_k_m.gguf", sha256: String(repeating: "ab", count: 32)))
        XCTAssertNil(stamp.mmproj)
        XCTAssertEqual(stamp.settings.temperature, 0.7, "the decimal typed, not the Float widened")
        XCTAssertEqual(stamp.settings.topP, 0.95)
        XCTAssertEqual(stamp.settings.topK, 64)
        XCTAssertEqual(stamp.settings.minP, 0)
        XCTAssertEqual(stamp.settings.seed, 42)
        XCTAssertEqual(stamp.settings.maxTokens, 300)
        XCTAssertEqual(stamp.systemPrompt, CaseContext(ReportFixtures.caseFile).systemInstruction)
        XCTAssertEqual(stamp.userPrompt, ReportPrompt.user(for: ReportFixtures.caseFile, imageNumber: 1, imageAttached: false))
        XCTAssertEqual(stamp.createdAt, "2026-11-29T12:42:00+01:00")
        XCTAssertEqual(stamp.reviewer, ReviewerFields())
        XCTAssertEqual(stamp.disclaimer, "AI-generated research draft — not for clinical use; requires review by a qualified clinician.")
    }

    func testJSONWritesEmptyFieldsAsNullAndReadsBack() throws {
        let stamp = ReportFixtures.stamp(images: [ReportFixtures.ctImage, ReportFixtures.pngImage])
        let json = stamp.json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertTrue(object["mmproj"] is NSNull, "no vision part is written as null")
        let reviewer = try XCTUnwrap(object["reviewer"] as? [String: Any])
        XCTAssertEqual(Set(reviewer.keys), ["name", "role", "signedOffAt", "status"])
        XCTAssertTrue(reviewer.values.allSatisfy { $0 is NSNull })
        let images = try XCTUnwrap(object["images"] as? [[String: Any]])
        XCTAssertEqual(images[0]["studyInstanceUID"] as? String, "1.2.3.4")
        XCTAssertEqual(images[0]["sopInstanceUID"] as? String, "1.2.3.4.5.6")
        XCTAssertEqual(images[1]["sha256"] as? String, String(repeating: "ef", count: 32))
        XCTAssertNil(images[1]["studyInstanceUID"], "a PNG has no UIDs")
        XCTAssertEqual((object["settings"] as? [String: Any])?["temperature"] as? Double, 0.7)
        XCTAssertTrue(json.hasPrefix("{\"backend\":"), "sorted keys")
        XCTAssertEqual(try JSONDecoder().decode(ReportStamp.self, from: Data(json.utf8)), stamp)
        XCTAssertEqual(stamp.json(), json, "the same stamp gives the same bytes")
    }

    /// An adapter is named with its hash and scale in the JSON and the Markdown; a stamp
    /// without adapters writes no key, so older stamps read the same.
    func testAdaptersAreStampedAndOlderStampsStillRead() throws {
        var stamp = ReportFixtures.stamp(images: [])
        XCTAssertNil((try JSONSerialization.jsonObject(with: Data(stamp.json().utf8)) as? [String: Any])?["adapters"])
        XCTAssertEqual(try JSONDecoder().decode(ReportStamp.self, from: Data(stamp.json().utf8)).adapters, [])
        stamp.adapters = [StampedAdapter(name: "rank8.gguf", sha256: String(repeating: "cd", count: 32), scale: 0.5)]
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stamp.json().utf8)) as? [String: Any])
        let adapters = try XCTUnwrap(object["adapters"] as? [[String: Any]])
        XCTAssertEqual(adapters[0]["name"] as? String, "rank8.gguf")
        XCTAssertEqual(adapters[0]["sha256"] as? String, String(repeating: "cd", count: 32))
        XCTAssertEqual(adapters[0]["scale"] as? Double, 0.5)
        XCTAssertEqual(try JSONDecoder().decode(ReportStamp.self, from: Data(stamp.json().utf8)), stamp)
        let markdown = MarkdownReportWriter.render(DraftReport(text: "Findings.", stamp: stamp), subject: ReportFixtures.subject, savedAt: "now")
        XCTAssertTrue(markdown.contains("- LoRA adapter: rank8.gguf, sha256 \(String(repeating: "cd", count: 32)), scale 0.5\n"), markdown)
    }

    func testTimesCarryTheirZone() {
        XCTAssertEqual(ReportTime.iso8601(ReportFixtures.date, timeZone: ReportFixtures.utc), "2026-11-29T11:42:00Z")
        XCTAssertEqual(ReportTime.iso8601(ReportFixtures.date, timeZone: ReportFixtures.plusOne), "2026-11-29T12:42:00+01:00")
        XCTAssertEqual(ReportTime.iso8601(ReportFixtures.date, timeZone: TimeZone(secondsFromGMT: -5 * 3600 - 1800)!), "2026-11-29T06:12:00-05:30")
        XCTAssertEqual(ReportTime.fileStamp(ReportFixtures.date), "20261129T114200Z")
    }

    func testEngineVersionMatchesTheRelease() {
        XCTAssertEqual(EngineVersion.current, "0.1.0")
    }
}
