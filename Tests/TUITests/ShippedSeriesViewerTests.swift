import Foundation
@testable import TUI
import MedImaging
import TestSupport
import Workstation
import XCTest

/// The shipped series study (mr-02) in the image viewer, as the workstation opens it: no
/// notice (no gaps), the file's own brain window, and `.` steps to the next slice by
/// position (file names and count from pydicom, Tests/Fixtures/samples_expected.json).
final class ShippedSeriesViewerTests: XCTestCase {
    func testMR02ScrollsThroughItsSlices() throws {
        let want = try SampleExpectations.load().mr02
        let study = Study(path: TestEnvironment.samples.appendingPathComponent("mr-02").path)
        var viewer = ImageViewer()
        viewer.open(study.images)
        XCTAssertTrue(viewer.adoptOpenedSeries(wait: true))
        XCTAssertNil(viewer.loadError)
        XCTAssertEqual(viewer.stack?.count, want.slices)
        XCTAssertNil(viewer.notice, "a series without gaps or duplicates has nothing to note")
        let window = "W\(Int(want.window[1])) C\(Int(want.window[0]))"
        XCTAssertEqual(viewer.title(), "Image 1/1 · slice 1/\(want.slices) · \(window) · zoom 1.0×")
        XCTAssertEqual(viewer.shownItem?.url.lastPathComponent, want.files[0])
        let step = try XCTUnwrap(viewer.perform(.nextSlice))
        XCTAssertTrue(step.hasPrefix("slice 2/\(want.slices) · at "), step)
        XCTAssertEqual(viewer.shownItem?.url.lastPathComponent, want.files[1])
        for _ in 0..<want.slices { _ = viewer.perform(.nextSlice) }
        XCTAssertEqual(viewer.stack?.index, want.slices - 1)
        XCTAssertEqual(viewer.shownItem?.url.lastPathComponent, want.files.last)
    }
}
