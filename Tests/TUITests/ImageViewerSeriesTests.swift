import Foundation
@testable import TUI
import MedImaging
import TestSupport
import Workstation
import XCTest

/// A study whose image entry names a folder of DICOM slices: the viewer opens it as a
/// series, steps through it within its ends keeping the reader's view, and names the
/// shown slice's own file for the model and the report stamp.
final class ImageViewerSeriesTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("series-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: root)
    }

    /// The series study (`SeriesStudyFixture`) in the temporary folder, read as the library reads it.
    private func seriesStudy(_ fixture: String) throws -> Study {
        try SeriesStudyFixture.write(series: fixture, to: root)
        let study = Study(path: root.path)
        XCTAssertNil(study.error)
        XCTAssertTrue(study.isUsable, "\(study.images.map(\.status))")
        return study
    }

    func testFolderOpensAsASeriesAndStepsWithinItsEnds() throws {
        let study = try seriesStudy("ct_gap")
        XCTAssertTrue(study.images[0].isSeries)
        var viewer = ImageViewer()
        viewer.open(study.images)
        // The headers are read off the UI thread; until the viewer takes the result it says so.
        XCTAssertTrue(viewer.isOpeningSeries)
        XCTAssertNil(viewer.image)
        XCTAssertEqual(viewer.title(), "Image 1/1 · reading series…")
        XCTAssertEqual(viewer.stepSlice(by: 1), "reading the series' slices…")
        XCTAssertEqual(viewer.perform(.zoomIn), "reading the series' slices…")
        XCTAssertTrue(viewer.adoptOpenedSeries(wait: true))
        XCTAssertFalse(viewer.isOpeningSeries)
        XCTAssertFalse(viewer.adoptOpenedSeries(), "taken once")
        XCTAssertNil(viewer.loadError)
        XCTAssertEqual(viewer.stack?.count, 6)
        XCTAssertEqual(viewer.notice, "slices: gap after slice 3: 7.5 mm where slices are 2.5 mm apart")
        XCTAssertEqual(viewer.title(), "Image 1/1 · slice 1/6 · W400 C40 · zoom 1.0×")
        XCTAssertEqual(viewer.perform(.previousSlice), "slice 1/6 (first slice)")

        // The reader's window and zoom stay while scrolling.
        XCTAssertEqual(viewer.perform(.windowPreset), "window lung W1500 C-600")
        _ = viewer.perform(.zoomIn)
        let first = try XCTUnwrap(viewer.image)
        let step = try XCTUnwrap(viewer.perform(.nextSlice))
        XCTAssertTrue(step.hasPrefix("slice 2/6 · at "), step)
        XCTAssertEqual(viewer.title(), "Image 1/1 · slice 2/6 · W1500 C-600 · zoom 1.5×")
        XCTAssertEqual(viewer.title(fitting: 36), "1/1 · slice 2/6 · W1500 C-600 · 1.5×")
        XCTAssertEqual(viewer.title(fitting: 35), "1/1 · slice 2/6 · W1500 C-600", "the zoom goes first")
        XCTAssertEqual(viewer.title(fitting: 28), "1/1 · s2/6 · W1500 C-600 · 1.5×")
        XCTAssertNotEqual(viewer.image?.pixels, first.pixels, "another slice's pixels")

        // The shown slice is named by its own file (ct_gap's second slice by position).
        XCTAssertEqual(viewer.shownItem?.image.file, "slices/IM0965.dcm")
        XCTAssertEqual(viewer.shownItem?.url.lastPathComponent, "IM0965.dcm")

        for _ in 0..<10 { _ = viewer.perform(.nextSlice) }
        XCTAssertEqual(viewer.stack?.index, 5)
        XCTAssertEqual(viewer.perform(.nextSlice), "slice 6/6 (last slice)")
        XCTAssertEqual(viewer.perform(.resetView), "view reset")
        XCTAssertEqual(viewer.stack?.index, 5, "reset keeps the slice")
    }

    func testMultiFrameSeriesShowsItsFrames() throws {
        var viewer = ImageViewer()
        viewer.open(try seriesStudy("multiframe").images)
        XCTAssertTrue(viewer.adoptOpenedSeries(wait: true))
        XCTAssertEqual(viewer.stack?.count, 4)
        XCTAssertNil(viewer.notice)
        _ = viewer.perform(.nextSlice)
        _ = viewer.perform(.nextSlice)
        XCTAssertEqual(viewer.view.frame, 2)
        XCTAssertEqual(viewer.image?.frameCount, 4)
        XCTAssertNotNil(viewer.preview(columns: 20, rows: 10, style: .ascii))
    }

    func testTheModelGetsTheShownSlice() throws {
        var pane = ImagePaneState(style: .ascii)
        pane.viewer.open(try seriesStudy("ct_axial").images)
        XCTAssertTrue(pane.viewer.adoptOpenedSeries(wait: true))
        let first = try XCTUnwrap(pane.currentAttachment())
        _ = pane.viewer.perform(.nextSlice)
        let second = try XCTUnwrap(pane.currentAttachment())
        XCTAssertTrue(first.source.hasSuffix("/slices/" + (pane.viewer.stack?.series.slices[0].header.fileName ?? "?")), first.source)
        XCTAssertNotEqual(first.source, second.source)
        XCTAssertNotEqual(first.picture.pixels, second.picture.pixels)
        // The background encoder prepares the first slice exactly as the pane sends it.
        let initial = try XCTUnwrap(ModelPicture.initialAttachment(pane.viewer.images[0]))
        XCTAssertEqual(initial.source, first.source)
        XCTAssertEqual(initial.picture.pixels, first.picture.pixels)
    }

    func testSliceKeysOnASingleImageSayItIsNoSeries() {
        var viewer = ImageViewer()
        viewer.open(Study(path: TestEnvironment.samples.appendingPathComponent("ct-01").path).images)
        XCTAssertNil(viewer.stack)
        XCTAssertTrue(viewer.perform(.nextSlice)?.hasPrefix("not a series") == true)
        XCTAssertEqual(viewer.title(), "Image 1/1 · W400 C40 · zoom 1.0×")
    }
}

/// The scout line: slices at their places along the normal, so a gap is a wider space.
final class SliceStackScoutTests: XCTestCase {
    func testScoutPlacesSlicesByPositionAndMarksTheShownOne() throws {
        var stack = SliceStack(folder: try DICOMSeriesFolder.open(path: TestEnvironment.fixture("dicom/series/ct_gap").path))
        XCTAssertEqual(stack.scout(width: 2), "")
        let line = stack.scout(width: 30)
        XCTAssertEqual(line.count, 30)
        XCTAssertTrue(line.hasPrefix("[●") && line.hasSuffix("·]"), line)
        XCTAssertEqual(line.filter { $0 == "·" }.count, 5)
        // 2.5 mm steps but 7.5 mm after slice 3: that space is three times as wide.
        let marks = line.enumerated().filter { $0.element == "·" || $0.element == "●" }.map(\.offset)
        XCTAssertEqual(marks.count, 6)
        XCTAssertGreaterThan(marks[3] - marks[2], 2 * (marks[1] - marks[0]))
        _ = try stack.load(5)
        XCTAssertTrue(stack.scout(width: 30).hasSuffix("●]"))
        XCTAssertEqual(stack.position, "slice 6/6")
    }
}
