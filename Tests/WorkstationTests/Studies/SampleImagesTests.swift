import Foundation
import MedImaging
import TestSupport
import XCTest
@testable import Workstation

/// Every image the shipped studies name decodes, DICOM headers agree with their case's
/// modality, and the samples cover the modalities the product promises.
final class SampleImagesTests: XCTestCase {
    func testEveryShippedImageDecodes() throws {
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        XCTAssertGreaterThanOrEqual(library.studies.count, 6)
        var modalities = Set<String>()
        for study in library.studies {
            for item in study.images {
                // A series entry shows its first slice, as the workstation opens it.
                let image = try item.loadFirstPicture().image
                XCTAssertGreaterThan(image.width, 0, item.path)
                modalities.insert(item.image.modality)
                if image.metadata.format == .dicom {
                    XCTAssertEqual(image.metadata.modality, item.image.modality, "\(item.path): case.json and the DICOM header agree")
                }
            }
        }
        // The coverage: chest X-ray, dermatology, fundus, histopathology, CT or MR.
        XCTAssertTrue(modalities.isSuperset(of: ["CR", "XC", "OP", "SM"]), "\(modalities)")
        XCTAssertFalse(modalities.isDisjoint(with: ["CT", "MR"]), "\(modalities)")
    }
}
