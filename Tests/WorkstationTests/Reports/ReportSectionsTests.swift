import XCTest
@testable import Workstation

/// Parsing the five sections out of the styles models and clinicians write them in.
final class ReportSectionsTests: XCTestCase {
    func testMarkdownHeadings() {
        let s = ReportSections(parsing: ReportFixtures.reportText)
        XCTAssertEqual(s[.indication], "Exertional dyspnoea.")
        XCTAssertEqual(s[.technique], "PA chest radiograph.")
        XCTAssertEqual(s[.comparison], "Chest X-ray two years earlier (report only).")
        XCTAssertEqual(s[.findings], "The cardiothoracic ratio is about 0.6. Upper lobe venous diversion.")
        XCTAssertEqual(s[.impression], "1. Cardiomegaly.\n2. Pulmonary venous congestion.")
        XCTAssertNil(s.preamble)
        XCTAssertEqual(s.missing, [])
    }

    func testBoldLabelsWithTextOnTheSameLineAndAMissingSection() {
        let text = """
        **Indication:** Dyspnoea.
        **Technique**: PA view.
        **Findings:**
        - Cardiomegaly.
        - Upper lobe diversion.

        **Impression:** Cardiomegaly with venous congestion.
        """
        let s = ReportSections(parsing: text)
        XCTAssertEqual(s[.indication], "Dyspnoea.")
        XCTAssertEqual(s[.technique], "PA view.")
        XCTAssertNil(s[.comparison])
        XCTAssertEqual(s[.findings], "- Cardiomegaly.\n- Upper lobe diversion.")
        XCTAssertEqual(s[.impression], "Cardiomegaly with venous congestion.")
        XCTAssertEqual(s.missing, [.comparison])
    }

    func testPlainLabelsInAnyCaseAndSynonyms() {
        let text = "INDICATION: dyspnoea\nclinical indication: ignored duplicate\nfindings:\nclear lungs\nCONCLUSION: normal study\r\n"
        let s = ReportSections(parsing: text)
        XCTAssertEqual(s[.indication], "dyspnoea\n\nignored duplicate", "a repeated section is joined, not lost")
        XCTAssertEqual(s[.findings], "clear lungs")
        XCTAssertEqual(s[.impression], "normal study")
        XCTAssertEqual(s.missing, [.technique, .comparison])
    }

    func testPreambleFenceNumberedAndClosedHeadings() {
        let text = """
        Here is the draft report:
        ```markdown
        # Chest X-ray report
        1. **Indication:** a
        2. **Technique:** b
        ### Comparison ###
        None available.
        ## **Findings:**
        c
        ## Impression: d
        ```
        """
        let s = ReportSections(parsing: text)
        XCTAssertEqual(s.preamble, "Here is the draft report:\n# Chest X-ray report")
        XCTAssertEqual(s[.indication], "a")
        XCTAssertEqual(s[.technique], "b")
        XCTAssertEqual(s[.comparison], "None available.")
        XCTAssertEqual(s[.findings], "c")
        XCTAssertEqual(s[.impression], "d")
    }

    func testSentencesThatStartWithASectionWordStayText() {
        let text = "## Findings\nFindings are unremarkable.\n**Findings** are normal here.\nImpression of the heart: normal.\n#Impression\n"
        let s = ReportSections(parsing: text)
        XCTAssertEqual(s[.findings], "Findings are unremarkable.\n**Findings** are normal here.\nImpression of the heart: normal.\n#Impression")
        XCTAssertNil(s[.impression])
    }

    func testAnotherHeadingAtTheSameLevelEndsTheSectionADeeperOneDoesNot() {
        let text = "## Findings\n### Lungs\nClear.\n## Impression\nCardiomegaly.\n## Recommendations\nEchocardiography.\n"
        let s = ReportSections(parsing: text)
        XCTAssertEqual(s[.findings], "### Lungs\nClear.")
        XCTAssertEqual(s[.impression], "Cardiomegaly.", "the recommendation is not part of the conclusion")
        XCTAssertNil(s.preamble)
        let labels = ReportSections(parsing: "**Impression:** Normal.\n# Addendum\nLater text.")
        XCTAssertEqual(labels[.impression], "Normal.")
    }

    func testEmptyTextHasNoSections() {
        let s = ReportSections(parsing: "")
        XCTAssertEqual(s.missing, ReportSection.allCases)
        XCTAssertNil(s.preamble)
    }

    func testRenderingGivesEveryHeadingAndParsesBack() {
        var s = ReportSections()
        s[.indication] = "  Dyspnoea.  "
        s[.findings] = "Big heart.\n\nSmall effusion."
        s[.impression] = "Cardiomegaly."
        s[.technique] = "   "
        let want = "## Indication\n\nDyspnoea.\n\n## Technique\n\n## Comparison\n\n## Findings\n\nBig heart.\n\nSmall effusion.\n\n## Impression\n\nCardiomegaly.\n"
        XCTAssertEqual(s.markdown, want)
        XCTAssertEqual(ReportSections(parsing: want), s)
        XCTAssertNil(s[.technique], "blank text removes a section")
    }

    func testDraftReportTakesTheImpressionFromItsText() {
        var draft = DraftReport(text: ReportFixtures.reportText, stamp: ReportFixtures.stamp())
        XCTAssertEqual(draft.impression, "1. Cardiomegaly.\n2. Pulmonary venous congestion.")
        draft.text = draft.text.replacingOccurrences(of: "1. Cardiomegaly.", with: "1. Marked cardiomegaly.")
        XCTAssertEqual(draft.impression, "1. Marked cardiomegaly.\n2. Pulmonary venous congestion.", "the edited text is what counts")
    }
}
