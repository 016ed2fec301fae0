import Foundation
import XCTest
@testable import Workstation

/// The FHIR R4 DiagnosticReport, field by field.
final class FHIRDiagnosticReportTests: XCTestCase {
    private let savedAt = "2026-11-29T12:45:10+01:00"

    private func resource(_ draft: DraftReport, subject: ReportSubject = ReportFixtures.subject) throws -> ([String: Any], String) {
        let markdown = MarkdownReportWriter.render(draft, subject: subject, savedAt: savedAt)
        let json = FHIRDiagnosticReport.json(draft, subject: subject, markdown: markdown, savedAt: savedAt)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return (object, markdown)
    }

    func testASignedOffReportHasTheSignOffsStatusAndTheMarkdownItsReviewBlock() throws {
        var stamp = ReportFixtures.stamp()
        stamp.reviewer = ReviewerFields(name: "Ada Lovelace", role: "radiologist", signedOffAt: "2026-11-29T13:00:00+01:00", status: .amended)
        let (r, markdown) = try resource(DraftReport(text: ReportFixtures.reportText, stamp: stamp))
        XCTAssertEqual(r["status"] as? String, "amended")
        XCTAssertTrue(markdown.contains("""
        - Reviewer name: Ada Lovelace
        - Reviewer role: radiologist
        - Signed off at: 2026-11-29T13:00:00+01:00
        - Status (final / amended): amended
        """), markdown)
        stamp.reviewer.status = .accepted  // an earlier name, no sign-off: still a draft
        XCTAssertEqual(try resource(DraftReport(text: ReportFixtures.reportText, stamp: stamp)).0["status"] as? String, "preliminary")
    }

    func testFieldByField() throws {
        let stamp = ReportFixtures.stamp(images: [ReportFixtures.pngImage, ReportFixtures.ctImage])
        let draft = DraftReport(text: ReportFixtures.reportText, stamp: stamp)
        let (r, markdown) = try resource(draft)
        XCTAssertEqual(r["resourceType"] as? String, "DiagnosticReport")
        XCTAssertEqual(r["status"] as? String, "preliminary")
        let coding = try XCTUnwrap(((r["code"] as? [String: Any])?["coding"] as? [[String: Any]])?.first)
        XCTAssertEqual(coding["system"] as? String, "http://loinc.org")
        XCTAssertEqual(coding["code"] as? String, "18748-4")
        XCTAssertEqual(coding["display"] as? String, "Diagnostic imaging study")
        XCTAssertEqual((r["code"] as? [String: Any])?["text"] as? String, "Chest X-ray: breathlessness")
        XCTAssertEqual((r["subject"] as? [String: Any])?["reference"] as? String, "Patient/SYN-TEST-0001")
        XCTAssertEqual(r["effectiveDateTime"] as? String, "2026-11-29T12:42:00+01:00")
        XCTAssertEqual(r["issued"] as? String, savedAt)
        XCTAssertEqual(r["conclusion"] as? String, "1. Cardiomegaly.\n2. Pulmonary venous congestion.")
        XCTAssertEqual(r["conclusion"] as? String, draft.impression)

        let study = try XCTUnwrap((r["imagingStudy"] as? [[String: Any]])?.first)
        let identifier = try XCTUnwrap(study["identifier"] as? [String: Any])
        XCTAssertEqual(identifier["system"] as? String, "urn:dicom:uid")
        XCTAssertEqual(identifier["value"] as? String, "urn:oid:1.2.3.4", "the first image with a Study Instance UID")

        let forms = try XCTUnwrap(r["presentedForm"] as? [[String: Any]])
        XCTAssertEqual(forms.count, 1)
        XCTAssertEqual(forms[0]["contentType"] as? String, "text/markdown")
        XCTAssertEqual(forms[0]["language"] as? String, "en")
        XCTAssertEqual(forms[0]["title"] as? String, "Draft report: Chest X-ray: breathlessness")
        XCTAssertEqual(forms[0]["creation"] as? String, savedAt)
        let data = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(forms[0]["data"] as? String)))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), markdown, "the whole Markdown file, base64")

        let extensions = try XCTUnwrap(r["extension"] as? [[String: Any]])
        XCTAssertEqual(extensions.map { $0["url"] as? String }, ["urn:medgemma-workstation:fhir:report-stamp", "urn:medgemma-workstation:fhir:research-draft"])
        let stampJSON = try XCTUnwrap(extensions[0]["valueString"] as? String)
        XCTAssertEqual(try JSONDecoder().decode(ReportStamp.self, from: Data(stampJSON.utf8)), stamp)
        XCTAssertEqual(extensions[1]["valueString"] as? String, Disclaimer.text)
        let narrative = try XCTUnwrap((r["text"] as? [String: Any])?["div"] as? String)
        XCTAssertEqual(narrative, "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\(Disclaimer.text)</p><p>Chest X-ray: breathlessness</p></div>")
        XCTAssertEqual(Set(r.keys), ["resourceType", "status", "text", "code", "subject", "effectiveDateTime", "issued",
                                     "imagingStudy", "presentedForm", "extension", "conclusion"])
    }

    func testWithoutDICOMTheStudyIsItsFolderAndWithoutImpressionThereIsNoConclusion() throws {
        let draft = DraftReport(text: "## Findings\n\nClear lungs.", stamp: ReportFixtures.stamp(images: [ReportFixtures.pngImage]))
        let (r, _) = try resource(draft)
        let identifier = try XCTUnwrap(((r["imagingStudy"] as? [[String: Any]])?.first)?["identifier"] as? [String: Any])
        XCTAssertEqual(identifier["system"] as? String, "urn:medgemma-workstation:study-folder")
        XCTAssertEqual(identifier["value"] as? String, "cxr-test")
        XCTAssertNil(r["conclusion"])
    }

    func testAPatientIDThatIsNotAFHIRIdBecomesAnIdentifier() throws {
        var subject = ReportFixtures.subject
        subject.patientID = "SYN 0001/<x>"
        let (r, _) = try resource(DraftReport(text: "x", stamp: ReportFixtures.stamp()), subject: subject)
        let patient = try XCTUnwrap(r["subject"] as? [String: Any])
        XCTAssertNil(patient["reference"])
        XCTAssertEqual((patient["identifier"] as? [String: Any])?["value"] as? String, "SYN 0001/<x>")
    }

    func testOutputIsStableWithSortedKeys() {
        let draft = DraftReport(text: ReportFixtures.reportText, stamp: ReportFixtures.stamp())
        let a = FHIRDiagnosticReport.json(draft, subject: ReportFixtures.subject, markdown: "m", savedAt: savedAt)
        let b = FHIRDiagnosticReport.json(draft, subject: ReportFixtures.subject, markdown: "m", savedAt: savedAt)
        XCTAssertEqual(a, b)
        let topKeys = a.components(separatedBy: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        XCTAssertEqual(topKeys, ["code", "conclusion", "effectiveDateTime", "extension", "imagingStudy", "issued",
                                 "presentedForm", "resourceType", "status", "subject", "text"])
    }
}
