import Foundation
import MedImaging
import TestSupport
import XCTest
@testable import Workstation

/// The shipped series study (mr-02) through the study code the workstation uses: its case
/// names a folder, which is a present series entry, and the first picture is its lowest
/// slice. Counts and names come from pydicom (Tests/Fixtures/samples_expected.json).
final class SampleSeriesStudyTests: XCTestCase {
    func testMR02OpensAsOneSeriesEntry() throws {
        let want = try SampleExpectations.load().mr02
        let study = Study(path: TestEnvironment.samples.appendingPathComponent("mr-02").path)
        XCTAssertNil(study.error, study.error?.description ?? "")
        XCTAssertEqual(study.problems, [])
        XCTAssertTrue(study.isUsable)
        let entry = try XCTUnwrap(study.images.first)
        XCTAssertEqual(study.images.count, 1)
        XCTAssertEqual(entry.image.modality, "MR")
        XCTAssertTrue(entry.isSeries, "the images entry names the slice folder")
        XCTAssertEqual(entry.url.standardizedFileURL.path, SampleExpectations.path(want.folder))
        let folderBytes = try want.files.reduce(0) { sum, name in
            sum + ((try FileManager.default.attributesOfItem(atPath: entry.url.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
        XCTAssertEqual(entry.status, .present(bytes: folderBytes), "the size is the slices' sum")

        let (image, frame, shown) = try entry.loadFirstPicture()
        XCTAssertEqual(frame, 0)
        XCTAssertEqual(shown.image.file, "\(entry.image.file)/\(want.files[0])", "the first slice by position")
        XCTAssertEqual(image.metadata.modality, "MR")
        XCTAssertEqual(image.width, want.columns)
        XCTAssertEqual(image.height, want.rows)
        XCTAssertEqual(try DICOMSeriesFolder.open(path: entry.url.path).series.map(\.slices.count), [want.slices])
        XCTAssertNil(entry.image.window, "the files carry their own window")
    }
}
