import Gemma
import VisionPreprocessing
import XCTest
@testable import Workstation

final class ReportPromptTests: XCTestCase {
    func testUserPromptNamesTheCaseAndTheAttachedImage() {
        let prompt = ReportPrompt.user(for: ReportFixtures.caseFile, imageNumber: 1, imageAttached: true)
        XCTAssertEqual(prompt, """
        Write a draft imaging report for this case with exactly five sections, each under its own Markdown heading, \
        in this order: ## Indication, ## Technique, ## Comparison, ## Findings, ## Impression.
        Indication: Exertional dyspnoea: assess heart size.
        Question: Is the heart enlarged?
        Comparison: Chest X-ray two years earlier.
        Prior report: Heart size at the upper limit of normal.
        Image 1 of 2, attached: X-ray (CR), PA: Frontal chest radiograph.
        Describe only what is shown or stated; do not invent measurements or prior studies. \
        The Impression answers the question in one to three short points.
        """)
        XCTAssertEqual(ReportPrompt.user(for: ReportFixtures.caseFile, imageNumber: 1, imageAttached: true), prompt, "deterministic")
    }

    func testTextOnlyPromptSaysTheImageWasNotShownAndNamesTheChosenImage() {
        let prompt = ReportPrompt.user(for: ReportFixtures.caseFile, imageNumber: 2, imageAttached: false)
        XCTAssertTrue(prompt.contains("\nImage 2 of 2, not attached (write from the case text only and say in Findings that the image was not reviewed): X-ray (CR), lateral: Lateral view.\n"), prompt)
    }

    func testNoComparisonAndTheRedactedPatientID() {
        var c = ReportFixtures.caseFile
        c.comparison = nil
        c.priorReport = nil
        c.images = [c.images[0]]
        c.indication = "Dyspnoea in patient SYN-TEST-0001."
        let prompt = ReportPrompt.user(for: c, imageNumber: 1, imageAttached: true)
        XCTAssertTrue(prompt.contains("\nIndication: Dyspnoea in patient [patient id removed].\n"), prompt)
        XCTAssertTrue(prompt.contains("\nComparison: none available.\n"), prompt)
        XCTAssertTrue(prompt.contains("\nImage, attached: X-ray (CR), PA: Frontal chest radiograph.\n"), prompt)
        XCTAssertFalse(prompt.contains("SYN-TEST-0001"))
    }

    func testTheRequestUsesTheCaseContextAsSystemAndKeepsTheSampling() {
        var sampling = SamplingSettings()
        sampling.seed = 9
        let request = ReportRequest(caseFile: ReportFixtures.caseFile, imageNumber: 1, image: nil,
                                    sampling: GenerationSettings(sampling: sampling, maxTokens: 77, system: "ignored"))
        XCTAssertEqual(request.settings.system, CaseContext(ReportFixtures.caseFile).systemInstruction)
        XCTAssertEqual(request.settings.sampling.seed, 9)
        XCTAssertEqual(request.settings.maxTokens, 77)
        XCTAssertEqual(request.images, [])
        XCTAssertEqual(request.userPrompt, ReportPrompt.user(for: ReportFixtures.caseFile, imageNumber: 1, imageAttached: false))
    }

    /// A series entry sends its chosen slices, each after its slice label; beside another
    /// image each slice label follows the image's own ("Image 1 (cxr.png): Slice 2/9 …").
    func testASeriesEntryGoesAsLabelledSlicesAndThePromptSaysSo() throws {
        let picture = ImageAttachment(source: "s", preparation: "p", picture: try RGBImage(width: 1, height: 1, pixels: [1, 2, 3]))
        let slices = [picture.labelled("Slice 1/9 (z = -4.0 mm):"), picture.labelled("Slice 9/9 (z = 4.0 mm):")]
        let alone = ReportRequest(caseFile: ReportFixtures.caseFile, imageNumbers: [1], pictures: [slices], seriesSizes: [1: 9],
                                  sampling: GenerationSettings())
        XCTAssertEqual(alone.images.map(\.label), ["Slice 1/9 (z = -4.0 mm):", "Slice 9/9 (z = 4.0 mm):"])
        XCTAssertTrue(alone.userPrompt.contains("\nImage 1 of 2, attached (a series: 2 of its 9 slices, in order, each after its slice label): "
                                                + "X-ray (CR), PA: Frontal chest radiograph.\n"), alone.userPrompt)

        let both = ReportRequest(caseFile: ReportFixtures.caseFile, imageNumbers: [1, 2], pictures: [slices, [picture]],
                                 seriesSizes: [1: 9], sampling: GenerationSettings())
        XCTAssertEqual(both.images.map(\.label), ["Image 1 (cxr.png): Slice 1/9 (z = -4.0 mm):", "Image 1 (cxr.png): Slice 9/9 (z = 4.0 mm):",
                                                   "Image 2 (lat.png):"])
        XCTAssertTrue(both.userPrompt.contains("\nImage 1 (cxr.png): (a series: 2 of its 9 slices, in order, each after its slice label) "
                                               + "X-ray (CR), PA: Frontal chest radiograph.\nImage 2 (lat.png): X-ray (CR), lateral: Lateral view.\n"),
                      both.userPrompt)
        // One slice of a series, alone: unlabelled, as a single image always was.
        let one = ReportRequest(caseFile: ReportFixtures.caseFile, imageNumbers: [1], pictures: [[slices[0]]], seriesSizes: [1: 9],
                                sampling: GenerationSettings())
        XCTAssertEqual(one.images.map(\.label), ["Slice 1/9 (z = -4.0 mm):"])
        XCTAssertTrue(one.userPrompt.contains("\nImage 1 of 2, attached (one slice of a series of 9): "), one.userPrompt)
    }
}
