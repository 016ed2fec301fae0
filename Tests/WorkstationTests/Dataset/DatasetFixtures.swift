import Foundation
import Support
@testable import Workstation

/// A temporary library of four studies for the export tests, each with a one-image case
/// and a saved report: `ds-final` signed off final, `ds-amended` signed off amended,
/// `ds-unsigned` saved but not signed, `ds-protected` signed off but its report names
/// the patient's record number, which the case lists as protected.
struct DatasetFixtures {
    let root: String
    let library: String
    let fallback: String

    static let date = Date(timeIntervalSince1970: 1_795_952_520)  // 2026-11-29T11:42:00Z
    static let utc = TimeZone(identifier: "UTC")!
    static let report = "## Findings\n\nNormal heart size.\n\n## Impression\n\n1. No cardiomegaly."

    init() throws {
        root = NSTemporaryDirectory() + "dataset-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        library = root + "/library"
        fallback = root + "/fallback"
        try FileManager.default.createDirectory(atPath: library, withIntermediateDirectories: true)
        try make("ds-final", reviewer: Self.reviewer(.final))
        try make("ds-amended", reviewer: Self.reviewer(.amended), text: Self.report + "\n2. Small left effusion.")
        try make("ds-unsigned", reviewer: ReviewerFields())
        try make("ds-protected", reviewer: Self.reviewer(.final), text: Self.report + "\nCompared with MRN 7654321.",
                 protected: ["MRN 7654321"])
    }

    static func reviewer(_ status: ReviewStatus) -> ReviewerFields {
        ReviewerFields(name: "Ada Lovelace", role: "radiologist", signedOffAt: "2026-11-29T12:00:00Z", status: status)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func imagePath(_ id: String) -> String { library + "/" + id + "/cxr.png" }

    private func make(_ id: String, reviewer: ReviewerFields, text: String = DatasetFixtures.report,
                      protected: [String] = []) throws {
        let folder = library + "/" + id
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let protectedJSON = protected.isEmpty ? "" : ", \"protectedIdentifiers\": [" + protected.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let caseJSON = """
        {"version": 1, "id": "\(id)", "title": "Chest X-ray \(id)", "synthetic": true, "note": "Synthetic case.",
         "patient": {"id": "SYN-\(id)", "age": 60, "sex": "F"\(protectedJSON)}, "history": "Cough.",
         "indication": "Breathless.", "question": "Is the heart enlarged?",
         "images": [{"file": "cxr.png", "modality": "CR", "view": "PA", "description": "Frontal chest radiograph."}]}
        """
        try caseJSON.write(toFile: folder + "/case.json", atomically: true, encoding: .utf8)
        let pixels = Array("not really a PNG: \(id)".utf8)
        _ = FileManager.default.createFile(atPath: folder + "/cxr.png", contents: Data(pixels))
        let study = Study(path: folder)
        let caseFile = try XCTUnwrapCase(study)
        let request = ReportRequest(caseFile: caseFile, imageNumber: 1, image: nil, sampling: GenerationSettings())
        var stamp = ReportStamp(request: request, backend: "test", model: StampedFile(name: "m.gguf", sha256: nil), mmproj: nil,
                                images: [StampedImage(file: "cxr.png", sha256: SHA256.hex(of: pixels), preparation: "stored pixels",
                                                      sentToModel: true)],
                                date: Self.date, timeZone: Self.utc)
        stamp.reviewer = reviewer
        _ = try ReportStore(fallbackRoot: fallback).save(DraftReport(text: text, stamp: stamp), for: study, date: Self.date, timeZone: Self.utc)
    }

    private func XCTUnwrapCase(_ study: Study) throws -> CaseFile {
        guard let caseFile = study.caseFile else { throw study.error! }
        return caseFile
    }
}
