import Foundation
import TestSupport
import XCTest
@testable import Workstation

/// "Compare with prior" on the shipped cxr-01 (its image lists the NIH radiograph of
/// cxr-02 as a prior of 2023-01-12; the study is of 2025-01-10), and a study whose prior
/// file is missing.
final class PriorComparisonTests: XCTestCase {
    private func study(_ name: String) -> Study { Study(path: TestEnvironment.samples.appendingPathComponent(name).path) }

    func testTheSampleSendsThePriorThenTheCurrentStudyEachDated() throws {
        let cxr = study("cxr-01")
        let comparison = try XCTUnwrap(PriorComparison.first(in: cxr))
        XCTAssertEqual(comparison.imageNumber, 1)
        XCTAssertEqual(comparison.priorLabel, "Prior study (2023-01-12):")
        XCTAssertEqual(comparison.currentLabel, "Current study (2025-01-10):")
        let images = try comparison.attachments(modelImageSize: 896)
        XCTAssertEqual(images.map(\.label), ["Prior study (2023-01-12):", "Current study (2025-01-10):"])
        XCTAssertEqual(images.map(\.source), ["prior_cxr_nih_chestxray14_00027426_000.png", "cxr_nih_chestxray14_00000001_000.png"])
        XCTAssertNotEqual(images[0].key, images[1].key)
        XCTAssertTrue(images[0].preparation.contains("resized to 896×896"), images[0].preparation)
        XCTAssertTrue(BackendMessage(.user, PriorComparison.defaultQuestion, images: images).hasLabelledImages)
        // The same prior, however reached, is the same picture (the embedding cache finds it).
        let alone = try ImagePreparation.attachment(for: try XCTUnwrap(study("cxr-02").images.first),
                                                    image: .load(path: study("cxr-02").images[0].url.path), modelImageSize: 896)
        XCTAssertEqual(alone.key, images[0].key)
        XCTAssertNil(PriorComparison.first(in: study("cxr-02")), "cxr-02 lists no prior")
        XCTAssertNil(PriorComparison(study: cxr, imageNumber: 2))
    }

    func testAMissingPriorFileIsNamedByTheStudyAndTheComparison() throws {
        let root = NSTemporaryDirectory() + "prior-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = root + "/s"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sample = TestEnvironment.samples.appendingPathComponent("cxr-01")
        try FileManager.default.copyItem(at: sample.appendingPathComponent("case.json"), to: URL(fileURLWithPath: folder + "/case.json"))
        try FileManager.default.copyItem(at: sample.appendingPathComponent("cxr_nih_chestxray14_00000001_000.png"),
                                         to: URL(fileURLWithPath: folder + "/cxr_nih_chestxray14_00000001_000.png"))
        let s = Study(path: folder)
        XCTAssertNil(s.error)
        XCTAssertEqual(s.problems, ["\(folder)/prior_cxr_nih_chestxray14_00027426_000.png: image file not found"])
        XCTAssertTrue(s.isUsable, "the current image is there")
        let comparison = try XCTUnwrap(PriorComparison.first(in: s))
        XCTAssertThrowsError(try comparison.attachments(modelImageSize: nil)) { error in
            XCTAssertEqual("\(error)", "\(folder)/prior_cxr_nih_chestxray14_00027426_000.png: image file not found")
        }
    }
}
