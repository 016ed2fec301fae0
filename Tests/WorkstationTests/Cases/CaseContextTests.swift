import Foundation
import TestSupport
import XCTest
@testable import Workstation

/// The system instruction and case-pane lines built from a case: they carry the clinical
/// context and never the patient id.
final class CaseContextTests: XCTestCase {
    func testSampleContextsCarryTheCaseButNeverThePatientId() throws {
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        XCTAssertGreaterThanOrEqual(library.studies.count, 6)
        for study in library.studies {
            let c = try XCTUnwrap(study.caseFile, study.path)
            let context = try XCTUnwrap(study.context)
            let text = context.systemInstruction
            let pane = context.summaryLines.joined(separator: "\n")
            for shown in [text, pane] {
                XCTAssertFalse(shown.localizedCaseInsensitiveContains(c.patient.id), "\(study.path): patient id leaked")
                XCTAssertFalse(shown.localizedCaseInsensitiveContains("SYN-"), study.path)
                XCTAssertTrue(shown.contains(c.history), study.path)
                XCTAssertTrue(shown.contains(c.indication), study.path)
                XCTAssertTrue(shown.contains(c.question), study.path)
                XCTAssertTrue(shown.contains("\(c.patient.age) years, \(c.patient.sex.word)"), study.path)
                for image in c.images {
                    XCTAssertTrue(shown.contains("\(image.modalityName), \(image.view): "), study.path)
                }
                if let prior = c.priorReport { XCTAssertTrue(shown.contains(prior), study.path) }
            }
            XCTAssertTrue(text.contains("synthetic"), "the model is told the case is synthetic")
            XCTAssertTrue(text.hasSuffix("Question: \(c.question)"))
            XCTAssertFalse(text.contains(c.id), "no study id either: \(study.path)")
            XCTAssertEqual(context.summaryLines.first, c.title)
        }
    }

    func testExactInstructionForOneCase() throws {
        let c = CaseFile(id: "t-9", title: "T", synthetic: false, note: nil,
                         patient: CasePatient(id: "SYN-T-0009", age: 1, sex: .unknown),
                         history: "H.", indication: "I.", question: "Q?",
                         images: [CaseImage(file: "a.dcm", modality: "CT", view: "axial", description: "One slice.")],
                         comparison: CaseComparison(description: "CT last year."))
        let context = CaseContext(c)
        XCTAssertEqual(context.systemInstruction, """
        You are assisting a clinician-researcher who is reviewing the case below. Answer as a careful \
        specialist: describe what the images show, keep to the question, and say plainly when the \
        images or the information given do not allow a conclusion. Your answer is a research draft, \
        not for clinical use, and will be reviewed by a qualified clinician.

        Patient: 1 year, sex not recorded.
        Clinical history: H.
        Indication: I.
        Images:
        1. CT, axial: One slice.
        Comparison: CT last year.
        Question: Q?
        """)
        XCTAssertEqual(context.summaryLines, ["T", "Patient: 1 year, sex not recorded", "History: H.", "Indication: I.",
                                              "Image 1: CT, axial: One slice.", "Comparison: CT last year.", "Question: Q?"])
    }

    func testAPatientIdPastedIntoTheTextIsRemoved() {
        let c = CaseFile(id: "t-1", title: "Case of syn-t-0001", synthetic: true, note: "Synthetic.",
                         patient: CasePatient(id: "SYN-T-0001", age: 40, sex: .female),
                         history: "Patient SYN-T-0001 has a cough.", indication: "Cough.", question: "Pneumonia?",
                         images: [CaseImage(file: "a.png", modality: "CR", view: "PA", description: "Chest film of SYN-T-0001.")],
                         priorReport: "SYN-T-0001: normal.")
        let context = CaseContext(c)
        for shown in [context.systemInstruction] + context.summaryLines {
            XCTAssertFalse(shown.localizedCaseInsensitiveContains("SYN-T-0001"), shown)
        }
        XCTAssertTrue(context.systemInstruction.contains("Clinical history: Patient [patient id removed] has a cough."))
        XCTAssertTrue(context.systemInstruction.contains("This case text is synthetic"))
        XCTAssertEqual(context.summaryLines[2], "Synthetic case: Synthetic.")

        let short = CaseFile(id: "t-2", title: "T", synthetic: false, note: nil,
                             patient: CasePatient(id: "7", age: 7, sex: .male),
                             history: "Fever for 7 days.", indication: "I.", question: "Q?",
                             images: [CaseImage(file: "a.png", modality: "CR", view: "PA", description: "d")])
        XCTAssertTrue(CaseContext(short).systemInstruction.contains("Fever for 7 days."), "a very short id is not redacted from ordinary text")
    }
}
