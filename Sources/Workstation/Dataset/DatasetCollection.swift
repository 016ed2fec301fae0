import Foundation
import Support

/// The examples `dataset export` makes from a set of studies, and the studies it left out.
///
/// A study becomes an example when its newest saved report (`ReportStore.latestSaved`) is
/// signed off. The example's images are those the report's stamp names (what the draft
/// was made from), or, for a report stamped without one, the case's single-file images;
/// each must still have the sha256 the stamp recorded, or the example would pair the
/// report with a picture nobody reviewed. The prompts are the workstation's own
/// (`ReportPrompt`, with the images attached), rebuilt from the case as it is now.
/// A study is left out, never exported, when any of its training text — the three turns
/// and the image paths — contains one of the patient's `protectedIdentifiers` or the
/// patient id itself (when 4 or more characters, as `CaseContext` redacts it),
/// compared case-insensitively.
public struct DatasetCollection: Sendable {
    /// Sorted by study id, then folder: the same studies always give the same file.
    public let examples: [DatasetExample]
    public let leftOut: [DatasetLeftOut]

    public init(studies: [Study], store: ReportStore) {
        var examples: [(String, DatasetExample)] = []
        var leftOut: [DatasetLeftOut] = []
        for study in studies {
            do {
                guard let example = try Self.example(for: study, store: store) else {
                    leftOut.append(DatasetLeftOut(study: study.path, reason: .notSignedOff))
                    continue
                }
                if let caseFile = study.caseFile, Self.containsProtected(example, caseFile) {
                    leftOut.append(DatasetLeftOut(study: study.path, reason: .protectedIdentifier))
                } else {
                    examples.append((study.folder.path, example))
                }
            } catch {
                leftOut.append(DatasetLeftOut(study: study.path, reason: .unusable(error.description)))
            }
        }
        self.examples = examples.sorted { ($0.1.study, $0.0) < ($1.1.study, $1.0) }.map(\.1)
        self.leftOut = leftOut
    }

    public func count(_ reason: (DatasetLeftOut.Reason) -> Bool) -> Int {
        leftOut.filter { reason($0.reason) }.count
    }

    /// The example, nil when the study is not signed off.
    static func example(for study: Study, store: ReportStore) throws(DatasetStudyProblem) -> DatasetExample? {
        guard let caseFile = study.caseFile else {
            throw DatasetStudyProblem(study.error?.description ?? "\(study.path): case.json cannot be read")
        }
        guard let saved = store.latestSaved(for: study) else { return nil }
        let report = try SignedReport.read(saved)
        guard report.stamp.reviewer.isSignedOff else { return nil }
        var chosen = report.stamp.images.map { (file: $0.file, sha256: Optional($0.sha256)) }
        if chosen.isEmpty {
            chosen = study.images.filter { item in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: item.url.path, isDirectory: &isFolder) && !isFolder.boolValue
            }.map { (file: $0.image.file, sha256: nil) }
        }
        var paths: [String] = [], hashes: [String] = [], numbers: [Int] = []
        for image in chosen {
            let path = study.folder.appendingPathComponent(image.file).path
            let hash: String
            do { hash = try SHA256.hex(ofFile: path) } catch {
                throw DatasetStudyProblem("\(StudyPath.join(study.path, image.file)): image cannot be read")
            }
            if let stamped = image.sha256, !stamped.isEmpty, stamped != hash {
                throw DatasetStudyProblem("\(StudyPath.join(study.path, image.file)): image changed since the report was signed off")
            }
            // A series' slice belongs to the series' entry.
            if let n = caseFile.images.firstIndex(where: { $0.file == image.file || image.file.hasPrefix($0.file + "/") }),
               !numbers.contains(n + 1) {
                numbers.append(n + 1)
            }
            paths.append(path)
            hashes.append(hash)
        }
        guard !numbers.isEmpty else {
            throw DatasetStudyProblem("\(study.path): the report names no image of the case")
        }
        return DatasetExample(study: caseFile.id, system: ReportPrompt.system(for: caseFile), imagePaths: paths,
                              request: ReportPrompt.user(for: caseFile, imageNumbers: numbers, imageAttached: true),
                              report: report.text.trimmingCharacters(in: .whitespacesAndNewlines),
                              imagesSHA256: hashes, reviewer: report.stamp.reviewer)
    }

    /// Whether any training text of `example` contains a protected identifier of the case
    /// or its patient id (4 characters or more, as `CaseContext` redacts it), in any case.
    static func containsProtected(_ example: DatasetExample, _ caseFile: CaseFile) -> Bool {
        let patientID = caseFile.patient.id.trimmingCharacters(in: .whitespaces)
        let protected = caseFile.patient.protectedIdentifiers.map { $0.trimmingCharacters(in: .whitespaces) }
            + (patientID.count >= CasePatient.protectedIdentifierMinimum ? [patientID] : [])
        return example.trainingTexts.contains { text in
            protected.contains { text.range(of: $0, options: .caseInsensitive) != nil }
        }
    }
}
