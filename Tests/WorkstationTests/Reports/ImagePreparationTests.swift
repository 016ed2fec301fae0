import MedImaging
import TestSupport
import VisionPreprocessing
import XCTest
@testable import Workstation

/// The words a stamp records for how each kind of sample image was prepared.
final class ImagePreparationTests: XCTestCase {
    private func sample(_ folder: String) throws -> (StudyImage, MedicalImage) {
        let study = Study(path: TestEnvironment.samples.appendingPathComponent(folder).path)
        let image = try XCTUnwrap(study.images.first)
        return (image, try MedicalImage.load(path: image.url.path))
    }

    func testCTTakesTheCasesWindow() throws {
        let (studyImage, image) = try sample("ct-01")
        let attachment = try ImagePreparation.attachment(for: studyImage, image: image, modelImageSize: 896)
        XCTAssertEqual(attachment.source, "ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm")
        XCTAssertEqual(attachment.preparation,
                       "window 400/40 (case preset); gray copied to RGB; resized to 896×896 (bilinear, antialiased) and normalised with the mmproj's mean/std")
        let direct = try ModelImageSource.rgb(image, mode: .windowed(VOIWindow(center: 40, width: 400)))
        XCTAssertEqual(attachment.key, VisionPipeline.key(for: direct), "the picture is the case window's")
    }

    func testMRTakesTheFilesFirstWindow() throws {
        let (studyImage, image) = try sample("mr-01")
        XCTAssertEqual(try ImagePreparation.attachment(for: studyImage, image: image, modelImageSize: nil).preparation,
                       "window 790/450 (WINDOW1); gray copied to RGB")
    }

    func testAPNGIsSentAsStored() throws {
        let (studyImage, image) = try sample("cxr-01")
        XCTAssertEqual(try ImagePreparation.attachment(for: studyImage, image: image, modelImageSize: nil).preparation,
                       "stored pixels; gray copied to RGB")
    }
}
