import Foundation
import Gemma
@testable import Workstation

/// A small hand-written case, stamp and temporary study folders for the report tests.
enum ReportFixtures {
    /// 2026-11-29T11:42:00Z.
    static let date = Date(timeIntervalSince1970: 1_795_952_520)
    static let utc = TimeZone(identifier: "UTC")!
    static let plusOne = TimeZone(secondsFromGMT: 3600)!

    static let caseFile = CaseFile(
        id: "cxr-test", title: "Chest X-ray: breathlessness", synthetic: true, note: "Synthetic case.",
        patient: CasePatient(id: "SYN-TEST-0001", age: 57, sex: .male),
        history: "Hypertension for ten years.",
        indication: "Exertional dyspnoea: assess heart size.",
        question: "Is the heart enlarged?",
        images: [CaseImage(file: "cxr.png", modality: "CR", view: "PA", description: "Frontal chest radiograph."),
                 CaseImage(file: "lat.png", modality: "CR", view: "lateral", description: "Lateral view.")],
        priorReport: "Heart size at the upper limit of normal.",
        comparison: CaseComparison(description: "Chest X-ray two years earlier."))

    static let caseJSON = """
    {"version": 1, "id": "cxr-test", "title": "Chest X-ray: breathlessness", "synthetic": true, "note": "Synthetic case.",
     "patient": {"id": "SYN-TEST-0001", "age": 57, "sex": "M"}, "history": "Hypertension for ten years.",
     "indication": "Exertional dyspnoea: assess heart size.", "question": "Is the heart enlarged?",
     "images": [{"file": "cxr.png", "modality": "CR", "view": "PA", "description": "Frontal chest radiograph."}]}
    """

    static let reportText = """
    ## Indication

    Exertional dyspnoea.

    ## Technique

    PA chest radiograph.

    ## Comparison

    Chest X-ray two years earlier (report only).

    ## Findings

    The cardiothoracic ratio is about 0.6. Upper lobe venous diversion.

    ## Impression

    1. Cardiomegaly.
    2. Pulmonary venous congestion.
    """

    static func stamp(images: [StampedImage] = [ctImage], mmproj: StampedFile? = nil) -> ReportStamp {
        var sampling = SamplingSettings()
        sampling.temperature = 0.7
        sampling.topP = 0.95
        sampling.seed = 42
        let request = ReportRequest(caseFile: caseFile, imageNumber: 1, image: nil,
                                    sampling: GenerationSettings(sampling: sampling, maxTokens: 300))
        return ReportStamp(request: request, backend: "gemma-3-270m-q4_k_m.gguf · in-process",
                           model: StampedFile(name: "gemma-3-270m-q4_k_m.gguf", sha256: String(repeating: "ab", count: 32)),
                           mmproj: mmproj, images: images, date: date, timeZone: plusOne)
    }

    static let ctImage = StampedImage(file: "slice.dcm", sha256: String(repeating: "cd", count: 32),
                                      preparation: "window 400/40 (case preset)", sentToModel: true,
                                      studyInstanceUID: "1.2.3.4", seriesInstanceUID: "1.2.3.4.5", sopInstanceUID: "1.2.3.4.5.6")
    static let pngImage = StampedImage(file: "cxr.png", sha256: String(repeating: "ef", count: 32),
                                       preparation: "stored pixels", sentToModel: false)

    static let subject = ReportSubject(folderName: "cxr-test", caseID: "cxr-test", title: "Chest X-ray: breathlessness",
                                       patientID: "SYN-TEST-0001", synthetic: true)

    /// A fresh temporary folder, removed (after making it writable again) by `cleanUp`.
    static func temporaryFolder(_ name: String = "report-test") -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A study folder named `name` inside `parent`, with the case above and a one-byte image.
    static func study(in parent: String, name: String = "cxr-test") throws -> Study {
        let folder = parent + "/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(caseJSON.utf8).write(to: URL(fileURLWithPath: folder + "/case.json"))
        try Data([0x89]).write(to: URL(fileURLWithPath: folder + "/cxr.png"))
        return Study(path: folder)
    }

    static func cleanUp(_ path: String) {
        if let walker = FileManager.default.enumerator(atPath: path) {
            chmod(path, 0o755)
            for case let item as String in walker { chmod(path + "/" + item, 0o755) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    static var isRoot: Bool { geteuid() == 0 }
}
