import Foundation

/// A draft report as a FHIR R4 `DiagnosticReport` resource (JSON), for systems that take
/// FHIR rather than Markdown.
///
/// - `status` is `preliminary`: an AI draft is never `final`. Once a clinician has signed
///   it off (`ReviewerFields.isSignedOff`) it is theirs, and the status is the sign-off's:
///   `final` or `amended`, FHIR's own words for them.
/// - `code` is LOINC 18748-4 "Diagnostic imaging study"; `subject` the case's synthetic
///   patient (`Patient/ID`, or an identifier when the id is not a valid FHIR id).
/// - `effectiveDateTime` is when the draft was generated, `issued` when it was saved.
/// - `imagingStudy` is a logical reference: the DICOM Study Instance UID (`urn:dicom:uid`,
///   `urn:oid:…`) when an image is DICOM, else the study folder's name.
/// - `conclusion` is the Impression section (absent when the text has none);
///   `presentedForm` the whole Markdown file, base64, `text/markdown`, language `en`.
/// - The stamp. R4's DiagnosticReport has no `note` (R5 added it) and a `contained`
///   Provenance would need a target, agents and a signature we cannot honestly fill, so
///   the stamp travels as an `extension` (`extensionURL`) whose `valueString` is the
///   stamp's JSON, sorted keys: every field in one place, readable by any FHIR parser and
///   decodable back into `ReportStamp`. A second extension carries the research-draft
///   line, which is also the resource's narrative (`text`), so FHIR viewers show it.
///
/// Serialised with sorted keys and no escaped slashes: the same report gives the same bytes.
public enum FHIRDiagnosticReport {
    public static let extensionURL = "urn:medgemma-workstation:fhir:report-stamp"
    public static let disclaimerExtensionURL = "urn:medgemma-workstation:fhir:research-draft"
    public static let loinc = (system: "http://loinc.org", code: "18748-4", display: "Diagnostic imaging study")

    /// The resource as a JSON object (for tests and callers that add to it).
    public static func resource(_ draft: DraftReport, subject: ReportSubject, markdown: String, savedAt: String) -> [String: Any] {
        let stamp = draft.stamp
        var resource: [String: Any] = [
            "resourceType": "DiagnosticReport",
            "status": stamp.reviewer.signOffStatus?.rawValue ?? "preliminary",
            "text": [
                "status": "generated",
                "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>\(escapeXML(stamp.disclaimer))</p><p>\(escapeXML(subject.title))</p></div>",
            ],
            "code": [
                "coding": [["system": loinc.system, "code": loinc.code, "display": loinc.display]],
                "text": subject.title,
            ],
            "subject": patientReference(subject),
            "effectiveDateTime": stamp.createdAt,
            "issued": savedAt,
            "imagingStudy": [studyReference(stamp, subject)],
            "presentedForm": [[
                "contentType": "text/markdown",
                "language": "en",
                "data": Data(markdown.utf8).base64EncodedString(),
                "title": "Draft report: \(subject.title)",
                "creation": savedAt,
            ]],
            "extension": [
                ["url": extensionURL, "valueString": stamp.json()],
                ["url": disclaimerExtensionURL, "valueString": stamp.disclaimer],
            ],
        ]
        if let impression = draft.impression { resource["conclusion"] = impression }
        return resource
    }

    /// The resource as pretty-printed JSON with sorted keys, newline-terminated.
    public static func json(_ draft: DraftReport, subject: ReportSubject, markdown: String, savedAt: String) -> String {
        let object = resource(draft, subject: subject, markdown: markdown, savedAt: savedAt)
        // Only strings, arrays and dictionaries of them: serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// `Patient/ID` when the id is a valid FHIR id ([A-Za-z0-9.-]{1,64}), else a logical
    /// reference by identifier, so an unusual case id never makes the resource invalid.
    static func patientReference(_ subject: ReportSubject) -> [String: Any] {
        let id = subject.patientID
        let valid = (1...64).contains(id.count) && id.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
        }
        let display = subject.synthetic ? "synthetic patient" : "patient"
        if valid { return ["reference": "Patient/\(id)", "display": display] }
        return ["identifier": ["system": "urn:medgemma-workstation:patient-id", "value": id], "display": display]
    }

    static func studyReference(_ stamp: ReportStamp, _ subject: ReportSubject) -> [String: Any] {
        if let uid = stamp.images.lazy.compactMap(\.studyInstanceUID).first {
            return ["identifier": ["system": "urn:dicom:uid", "value": "urn:oid:\(uid)"], "display": subject.title]
        }
        return ["identifier": ["system": "urn:medgemma-workstation:study-folder", "value": subject.folderName], "display": subject.title]
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
