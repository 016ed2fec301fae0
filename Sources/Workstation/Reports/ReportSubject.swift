/// What a saved report is about: the study (folder and case) and its synthetic patient.
///
/// The patient id appears in the saved files (a report must name its subject) but is
/// never part of a prompt; shipped cases carry synthetic ids only.
public struct ReportSubject: Sendable, Equatable {
    /// The study folder's name, the study's identity when there is no DICOM UID.
    public var folderName: String
    public var caseID: String
    public var title: String
    public var patientID: String
    /// True when the case text is synthetic (said next to the patient id).
    public var synthetic: Bool

    public init(folderName: String, caseID: String, title: String, patientID: String, synthetic: Bool) {
        self.folderName = folderName
        self.caseID = caseID
        self.title = title
        self.patientID = patientID
        self.synthetic = synthetic
    }

    /// Nil for a study whose case did not decode (there is nothing to report on).
    public init?(study: Study) {
        guard let c = study.caseFile else { return nil }
        self.init(folderName: study.folderName, caseID: c.id, title: c.title, patientID: c.patient.id, synthetic: c.synthetic)
    }
}
