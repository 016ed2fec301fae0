import XCTest
@testable import Workstation

final class MarkdownReportWriterTests: XCTestCase {
    private func render(mmproj: StampedFile? = nil) -> String {
        let draft = DraftReport(text: "\n\n" + ReportFixtures.reportText + "\n\n",
                                stamp: ReportFixtures.stamp(images: [ReportFixtures.ctImage, ReportFixtures.pngImage], mmproj: mmproj))
        return MarkdownReportWriter.render(draft, subject: ReportFixtures.subject, savedAt: "2026-11-29T12:45:10+01:00")
    }

    func testHeaderReportAndReviewBlock() {
        let md = render()
        XCTAssertTrue(md.hasPrefix("""
        # Draft report: Chest X-ray: breathlessness

        > AI-generated research draft — not for clinical use; requires review by a qualified clinician.

        Study: cxr-test (case cxr-test) · patient SYN-TEST-0001 (synthetic) · generated 2026-11-29T12:42:00+01:00 · saved 2026-11-29T12:45:10+01:00

        <!-- medgemma:report-begin -->

        ## Indication

        Exertional dyspnoea.
        """), md)
        XCTAssertTrue(md.hasSuffix("""
        ## Review

        - Reviewer name:
        - Reviewer role:
        - Signed off at:
        - Status (final / amended):

        > AI-generated research draft — not for clinical use; requires review by a qualified clinician.

        """), md)
    }

    func testProvenanceListsEveryStampField() {
        let md = render(mmproj: StampedFile(name: "mmproj-model-f16.gguf", sha256: String(repeating: "01", count: 32)))
        let lines = md.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains("- Engine: medgemma 0.1.0 · gemma-3-270m-q4_k_m.gguf · in-process"))
        XCTAssertTrue(lines.contains("- Model: gemma-3-270m-q4_k_m.gguf, sha256 \(String(repeating: "ab", count: 32))"))
        XCTAssertTrue(lines.contains("- Vision part (mmproj): mmproj-model-f16.gguf, sha256 \(String(repeating: "01", count: 32))"))
        XCTAssertTrue(lines.contains("- Settings: temperature 0.7, top-k 64, top-p 0.95, min-p 0, repetition penalty 1, presence penalty 0, frequency penalty 0, seed 42, max tokens 300"), md)
        XCTAssertTrue(lines.contains("- Image 1: slice.dcm, sha256 \(String(repeating: "cd", count: 32)), Study Instance UID 1.2.3.4, Series Instance UID 1.2.3.4.5, SOP Instance UID 1.2.3.4.5.6; sent to the model: window 400/40 (case preset)"))
        XCTAssertTrue(lines.contains("- Image 2: cxr.png, sha256 \(String(repeating: "ef", count: 32)); not sent to the model: stored pixels"))
        XCTAssertTrue(lines.contains("- Generated: 2026-11-29T12:42:00+01:00"))
        let stamp = ReportFixtures.stamp()
        XCTAssertTrue(md.contains("### System prompt\n\n```text\n\(stamp.systemPrompt)\n```\n"))
        XCTAssertTrue(md.contains("### User prompt\n\n```text\n\(stamp.userPrompt)\n```\n"))
        XCTAssertTrue(render().contains("\n- Vision part (mmproj): none\n"))
    }

    func testReportTextIsFoundAgainTrimmed() {
        XCTAssertEqual(MarkdownReportWriter.reportText(in: render()), ReportFixtures.reportText)
        XCTAssertNil(MarkdownReportWriter.reportText(in: "## Findings\n\nno markers"))
    }

    func testFenceIsLongerThanAnyBacktickRunInThePrompt() {
        XCTAssertEqual(MarkdownReportWriter.fenced("a ``` b ```` c"), "`````text\na ``` b ```` c\n`````\n")
        XCTAssertEqual(MarkdownReportWriter.fenced("plain"), "```text\nplain\n```\n")
    }
}
