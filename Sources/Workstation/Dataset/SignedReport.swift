import Foundation

/// A saved report read back for training: the text from the Markdown file
/// (`MarkdownReportWriter.reportText`) and the stamp from its FHIR twin (the
/// `FHIRDiagnosticReport.extensionURL` extension, which holds the stamp's JSON whole).
struct SignedReport {
    let text: String
    let stamp: ReportStamp

    /// Reads `saved`; the problem names the file that is wrong.
    static func read(_ saved: SavedReport) throws(DatasetStudyProblem) -> SignedReport {
        let markdown: String
        do {
            markdown = try String(contentsOfFile: saved.markdownPath, encoding: .utf8)
        } catch {
            throw DatasetStudyProblem("\(saved.markdownPath): cannot be read")
        }
        guard let text = MarkdownReportWriter.reportText(in: markdown) else {
            throw DatasetStudyProblem("\(saved.markdownPath): no report text between the medgemma markers")
        }
        guard let data = FileManager.default.contents(atPath: saved.fhirPath) else {
            throw DatasetStudyProblem("\(saved.fhirPath): cannot be read (the Markdown file's FHIR twin)")
        }
        guard let resource = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let extensions = resource["extension"] as? [[String: Any]],
              let json = extensions.first(where: { $0["url"] as? String == FHIRDiagnosticReport.extensionURL })?["valueString"] as? String,
              let stamp = try? JSONDecoder().decode(ReportStamp.self, from: Data(json.utf8)) else {
            throw DatasetStudyProblem("\(saved.fhirPath): no report stamp this workstation can read")
        }
        return SignedReport(text: text, stamp: stamp)
    }
}
