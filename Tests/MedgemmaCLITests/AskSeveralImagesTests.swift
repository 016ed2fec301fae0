import Foundation
import TestSupport
import Workstation
import XCTest

/// `ask --image A --image B`, `ask --compare-prior STUDY` and `report --image 1 --image 2`
/// end to end on the real default model with the tiny 640-wide mmproj: the cost is said
/// before sending (the first picture encoded to measure, cached pictures free on the next
/// run), and the options that cannot go together are usage errors.
final class AskSeveralImagesTests: XCTestCase {
    private var mmproj: String { TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path }
    private var temporary = ""

    override func setUp() {
        temporary = NSTemporaryDirectory() + "ask-several-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: temporary) }

    private func sample(_ study: String, _ file: String) -> String {
        TestEnvironment.samples.appendingPathComponent(study).appendingPathComponent(file).path
    }

    func testTwoImagesSayTheirCostThenComeFromTheCache() throws {
        let model = try TestEnvironment.defaultModel()
        let a = sample("cxr-01", "cxr_nih_chestxray14_00000001_000.png"), b = sample("cxr-02", "cxr_nih_chestxray14_00027426_000.png")
        let env = ["XDG_CACHE_HOME": temporary + "/cache"]
        let args = ["ask", "--model", model, "--mmproj", mmproj, "--image", a, "--image", b, "--temperature", "0", "--max-tokens", "3",
                    "Which one shows a larger heart?"]
        let first = try CommandRunner.medgemma(args, environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = first.stderr.components(separatedBy: "\n")
        let cost = try XCTUnwrap(lines.first { $0.hasPrefix("asking about 2 images: ") }, first.stderr)
        XCTAssertTrue(cost.contains("2 images: 1 to encode × "), cost)
        XCTAssertTrue(cost.contains(", 1 cached (free); "), "the first picture was encoded to measure: \(cost)")
        XCTAssertTrue(cost.contains(" tokens to prefill (2 × 40 image + "), cost)
        let encodedFirst = try XCTUnwrap(lines.firstIndex { $0.contains("encoded 1 image (36 tokens) in ") }, first.stderr)
        XCTAssertLessThan(encodedFirst, try XCTUnwrap(lines.firstIndex(of: cost)), "measured before the cost is said")
        XCTAssertTrue(first.stderr.contains(Disclaimer.text), first.stderr)

        let again = try CommandRunner.medgemma(args, environment: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("asking about 2 images: all cached (free); "), again.stderr)
        XCTAssertFalse(again.stderr.contains("encoded 1 image"), "both came from the disk cache: \(again.stderr)")
        XCTAssertEqual(again.stdout, first.stdout, "same pictures, same seed, same answer")
    }

    func testComparePriorSendsTheStudysTwoPictures() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--compare-prior",
                                            TestEnvironment.samples.appendingPathComponent("cxr-01").path,
                                            "--temperature", "0", "--max-tokens", "2", "What has changed?"],
                                           environment: ["XDG_CACHE_HOME": temporary + "/cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("asking about 2 images: "), r.stderr)
    }

    func testUsageErrors() throws {
        let a = sample("cxr-01", "cxr_nih_chestxray14_00000001_000.png")
        let cxr1 = TestEnvironment.samples.appendingPathComponent("cxr-01").path
        let cxr2 = TestEnvironment.samples.appendingPathComponent("cxr-02").path
        let rows: [([String], Int32, String)] = [
            (["--image", a, "--image", a, "--save-model-input", temporary + "/x.png", "q"], 2,
             "medgemma ask: --save-model-input saves one picture: give one --image with it"),
            (["--compare-prior", cxr1, "--image", a, "q"], 2, "medgemma ask: --compare-prior and --image exclude each other"),
            (["--compare-prior", cxr1, "--window", "400/40", "q"], 2,
             "medgemma ask: --window does not apply to --compare-prior (the case's window is used)"),
            (["--compare-prior", cxr2, "q"], 1, "medgemma ask: \(cxr2): no image of this study lists a prior (case.json: images[].prior and the study's date)"),
        ]
        for (args, status, message) in rows {
            let r = try CommandRunner.medgemma(["ask", "--mmproj", mmproj] + args)
            XCTAssertEqual(r.status, status, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix(message), r.stderr)
        }
        let help = try CommandRunner.medgemma(["ask", "--help"])
        XCTAssertTrue(help.stdout.contains("--image again for several pictures in one question"), help.stdout)
        XCTAssertTrue(help.stdout.contains("--compare-prior STUDY_DIR"), help.stdout)
        let twice = try CommandRunner.medgemma(["report", "--image", "1", "--image", "1", cxr1])
        XCTAssertEqual(twice.status, 2)
        XCTAssertTrue(twice.stderr.hasPrefix("medgemma report: --image 1 is given twice"), twice.stderr)
    }

    /// Two case images in one report: both sent, each after "Image N (file):", both stamped.
    func testReportAboutTwoCaseImages() throws {
        let model = try TestEnvironment.defaultModel()
        let folder = temporary + "/study"
        try FileManager.default.copyItem(atPath: TestEnvironment.samples.appendingPathComponent("cxr-01").path, toPath: folder)
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/case.json"))) as? [String: Any])
        var images = try XCTUnwrap(json["images"] as? [[String: Any]])
        images.append(["file": "prior_cxr_nih_chestxray14_00027426_000.png", "modality": "CR", "view": "PA", "description": "Earlier film."])
        json["images"] = images
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: folder + "/case.json"))
        let r = try CommandRunner.medgemma(["report", "--model", model, "--mmproj", mmproj, "--max-tokens", "2", "--temperature", "0",
                                            "--image", "2", "--image", "1", "--out", temporary + "/out", "--json", folder])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let entry = try XCTUnwrap((summary["studies"] as? [[String: Any]])?.first)
        let fhir = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(entry["fhir"] as? String)))) as? [String: Any])
        let stampJSON = try XCTUnwrap((fhir["extension"] as? [[String: Any]])?.first?["valueString"] as? String)
        let stamp = try JSONDecoder().decode(ReportStamp.self, from: Data(stampJSON.utf8))
        XCTAssertEqual(stamp.images.map(\.file), ["prior_cxr_nih_chestxray14_00027426_000.png", "cxr_nih_chestxray14_00000001_000.png"])
        XCTAssertEqual(stamp.images.map(\.sentToModel), [true, true])
        let caseFile = try XCTUnwrap(Study(path: folder).caseFile)
        XCTAssertEqual(stamp.userPrompt, ReportPrompt.user(for: caseFile, imageNumbers: [2, 1], imageAttached: true))
        XCTAssertTrue(stamp.userPrompt.contains("2 of the 2 images, attached in this order, each after its label:\n"
                                                + "Image 2 (prior_cxr_nih_chestxray14_00027426_000.png): X-ray (CR), PA: Earlier film.\n"
                                                + "Image 1 (cxr_nih_chestxray14_00000001_000.png): X-ray (CR), PA: "), stamp.userPrompt)
    }
}
