import Foundation
import Support
import TestSupport
@testable import Workstation
import XCTest

/// `medgemma dataset export` as a user runs it, on a temporary library of two studies:
/// `ds-final` signed off (its report in the study's reports/ folder), `ds-unsigned` not.
final class DatasetCommandTests: XCTestCase {
    private var root: String!
    private var environment: [String: String] { ["XDG_DATA_HOME": root + "/data", "MEDGEMMA_CONFIG": "/nonexistent/config"] }

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "dataset-cli-\(getpid())-\(UUID().uuidString.prefix(8))"
        try make("ds-final", signed: true)
        try make("ds-unsigned", signed: false)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func make(_ id: String, signed: Bool) throws {
        let folder = root + "/library/" + id
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        {"version": 1, "id": "\(id)", "title": "CXR \(id)", "synthetic": true, "note": "Synthetic case.",
         "patient": {"id": "SYN-\(id)", "age": 60, "sex": "F"}, "history": "Cough.", "indication": "Breathless.",
         "question": "Is the heart enlarged?",
         "images": [{"file": "cxr.png", "modality": "CR", "view": "PA", "description": "Frontal."}]}
        """.write(toFile: folder + "/case.json", atomically: true, encoding: .utf8)
        let pixels = Data("pixels of \(id)".utf8)
        _ = FileManager.default.createFile(atPath: folder + "/cxr.png", contents: pixels)
        let study = Study(path: folder)
        let request = ReportRequest(caseFile: try XCTUnwrap(study.caseFile), imageNumber: 1, image: nil, sampling: GenerationSettings())
        var stamp = ReportStamp(request: request, backend: "test", model: StampedFile(name: "m.gguf", sha256: nil), mmproj: nil,
                                images: [StampedImage(file: "cxr.png", sha256: SHA256.hex(of: Array(pixels)), preparation: "stored pixels",
                                                      sentToModel: true)],
                                date: Date(), timeZone: .current)
        if signed {
            stamp.reviewer = ReviewerFields(name: "Ada Lovelace", role: "radiologist", signedOffAt: "2026-11-29T12:00:00Z", status: .final)
        }
        let saved = try ReportStore(fallbackRoot: root + "/unused").save(DraftReport(text: "## Impression\n\nNormal.", stamp: stamp), for: study)
        XCTAssertFalse(saved.usedFallback)
    }

    func testExportWritesTheSignedOffStudyAndCountsTheRest() throws {
        let out = root + "/train.jsonl"
        let r = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/library", "--out", out, "--split", "0.5"],
                                           environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        // ds-final's position is 0.1336… (sha256 by Python's hashlib): training.
        XCTAssertEqual(r.stderr, "wrote 1 example to \(out) and 0 to \(root!)/train.eval.jsonl; "
                       + "left out 1 not signed off, 0 with a protected identifier, 0 unusable\n")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(json["study"] as? String, "ds-final")
        XCTAssertEqual(json["images_sha256"] as? [String], [try Sha256Sum.of(root + "/library/ds-final/cxr.png")])
        let messages = try XCTUnwrap(json["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.last?["content"] as? [[String: String]], [["type": "text", "text": "## Impression\n\nNormal."]])
        XCTAssertEqual(try String(contentsOfFile: root + "/train.eval.jsonl", encoding: .utf8), "")

        let again = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/library", "--out", out], environment: environment)
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr, "medgemma dataset: \(out): already exists (--force replaces it)\n")
        let forced = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/library/ds-final", "--out", out, "--force"],
                                                environment: environment)
        XCTAssertEqual(forced.status, 0, forced.stderr)
    }

    func testHelpAndRefusals() throws {
        let help = try CommandRunner.medgemma(["dataset", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.hasPrefix("Usage: medgemma dataset export [--studies DIR…] --out FILE.jsonl [--split F] [--force]\n"), help.stdout)
        XCTAssertTrue(help.stdout.contains("train.jsonl → train.eval.jsonl"))
        let noOut = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/library"], environment: environment)
        XCTAssertEqual(noOut.status, 2)
        XCTAssertEqual(noOut.stderr, "medgemma dataset: --out FILE is required (see 'medgemma dataset --help')\n")
        let badSplit = try CommandRunner.medgemma(["dataset", "export", "--out", root + "/x.jsonl", "--split", "1.5"], environment: environment)
        XCTAssertEqual(badSplit.stderr, "medgemma dataset: --split 1.5: expected a number from 0 to 1 (see 'medgemma dataset --help')\n")
        let noStudies = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/nowhere", "--out", root + "/x.jsonl"],
                                                   environment: environment)
        XCTAssertEqual(noStudies.status, 1)
        XCTAssertEqual(noStudies.stderr, "medgemma dataset: \(root!)/nowhere: no such folder\n")
        let nothing = try CommandRunner.medgemma(["dataset", "export", "--studies", root + "/library/ds-unsigned", "--out", root + "/x.jsonl"],
                                                 environment: environment)
        XCTAssertEqual(nothing.status, 1)
        XCTAssertEqual(nothing.stderr, "medgemma dataset: no signed-off report in 1 study (1 not signed off, 0 with a protected identifier, "
                       + "0 unusable); nothing written\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/x.jsonl"))
    }
}
