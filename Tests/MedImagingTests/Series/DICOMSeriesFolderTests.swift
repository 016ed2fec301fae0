import Foundation
@testable import MedImaging
import TestSupport
import XCTest

/// Every fixture folder opened as series and compared with what pydicom and numpy say:
/// grouping, the order of the files, plane, spacing, windows, gaps and duplicates.
final class DICOMSeriesFolderTests: XCTestCase {
    private var manifest: SeriesFixtureManifest!

    override func setUpWithError() throws {
        manifest = try SeriesFixtureManifest.load()
        XCTAssertEqual(manifest.folders.count, 10)
    }

    func testEveryFolderMatchesPydicom() throws {
        for (name, expected) in manifest.folders.sorted(by: { $0.key < $1.key }) {
            let folder = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path(name))
            XCTAssertEqual(folder.ignored, expected.ignored, name)
            XCTAssertEqual(folder.unreadable.map { URL(fileURLWithPath: $0.source).lastPathComponent }, expected.unreadable, name)
            XCTAssertEqual(folder.series.count, expected.series.count, name)
            for (series, want) in zip(folder.series, expected.series) {
                let label = "\(name) series \(want.seriesNumber)"
                XCTAssertEqual(series.seriesInstanceUID, want.seriesInstanceUID, label)
                XCTAssertEqual(series.first.seriesNumber, want.seriesNumber, label)
                XCTAssertEqual(series.first.modality, want.modality, label)
                XCTAssertEqual(series.first.rows, want.rows, label)
                XCTAssertEqual(series.first.columns, want.columns, label)
                XCTAssertEqual(series.slices.count, want.slices, label)
                XCTAssertEqual(series.slices.map(\.header.fileName), want.files, label)
                XCTAssertEqual(series.slices.map(\.frame), want.frames, label)
                XCTAssertEqual(series.ordering.rawValue, want.ordering, label)
                XCTAssertEqual(series.orientation?.rawValue, want.orientation, label)
                XCTAssertEqual(series.first.pixelSpacing, want.pixelSpacing, label)
                XCTAssertEqual(series.first.windows.map { [$0.center, $0.width] }, want.windows, label)
                if let spacing = want.sliceSpacing {
                    XCTAssertEqual(try XCTUnwrap(series.sliceSpacing, label), spacing, accuracy: 1e-9, label)
                } else {
                    XCTAssertNil(series.sliceSpacing, label)
                }
                for pair in want.duplicates {
                    XCTAssertTrue(series.noteLine.contains("duplicate position: slices \(pair[0]) and \(pair[1])"), "\(label): \(series.noteLine)")
                }
                for slice in want.gapsAfter {
                    XCTAssertTrue(series.noteLine.contains("gap after slice \(slice): "), "\(label): \(series.noteLine)")
                }
                if want.duplicates.isEmpty && want.gapsAfter.isEmpty && want.ordering != "instance number" {
                    XCTAssertEqual(series.notes, [], label)
                }
            }
        }
    }

    func testNotesSayWhatIsWrong() throws {
        let gap = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("ct_gap")).series[0]
        XCTAssertEqual(gap.noteLine, "gap after slice 3: 7.5 mm where slices are 2.5 mm apart")
        let duplicate = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("ct_duplicate")).series[0]
        XCTAssertEqual(duplicate.noteLine, "duplicate position: slices 3 and 4")
        let unsorted = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("no_position")).series[0]
        XCTAssertEqual(unsorted.noteLine, "no slice position: sorted by instance number")
        let unreadable = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("with_unreadable")).unreadable
        XCTAssertEqual(unreadable.count, 1)
        XCTAssertTrue(unreadable[0].description.hasPrefix(SeriesFixtureManifest.path("with_unreadable/broken.dcm") + ": truncated DICOM: "),
                      unreadable[0].description)
    }

    func testOrientationFromDirectionCosines() {
        XCTAssertEqual(SliceOrientation(orientation: [1, 0, 0, 0, 1, 0]), .axial)
        XCTAssertEqual(SliceOrientation(orientation: [1, 0, 0, 0, 0, -1]), .coronal)
        XCTAssertEqual(SliceOrientation(orientation: [0, 1, 0, 0, 0, -1]), .sagittal)
        let five = 5.0 * Double.pi / 180, twenty = 20.0 * Double.pi / 180
        XCTAssertEqual(SliceOrientation(orientation: [1, 0, 0, 0, cos(five), sin(five)]), .axial, "a 5° gantry tilt is still axial")
        XCTAssertEqual(SliceOrientation(orientation: [1, 0, 0, 0, cos(twenty), sin(twenty)]), .oblique)
        XCTAssertNil(SliceOrientation(orientation: [1, 0, 0, 1, 0, 0]), "parallel directions are no plane")
        XCTAssertNil(SliceOrientation(orientation: [1, 0, 0, 0, 1]))
    }

    func testSpacingCheck() {
        XCTAssertEqual(SeriesSpacingCheck(locations: [0, 2, 4, 6]).notes, [])
        XCTAssertEqual(SeriesSpacingCheck(locations: [0, 2, 4, 6]).spacing, 2)
        XCTAssertEqual(SeriesSpacingCheck(locations: [0]).spacing, nil)
        XCTAssertEqual(SeriesSpacingCheck(locations: [5, 5]).notes, ["duplicate position: slices 1 and 2"])
        let check = SeriesSpacingCheck(locations: [0, 1, 5, 6, 10, 11, 11])
        XCTAssertEqual(check.notes, ["duplicate position: slices 6 and 7", "2 gaps after slices 2, 4: up to 4 mm where slices are 1 mm apart"])
    }

    /// Whatever the folder lists first, the header read stops at the pixel data: a slice
    /// whose pixels lie far past the first 64 KiB still sorts, and one whose header lies
    /// about its pixel data lists fine and fails only when decoded.
    func testHeadersAloneAndTheLyingSlice() throws {
        let lying = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path(manifest.lying.folder))
        XCTAssertEqual(lying.series.count, 1)
        XCTAssertEqual(lying.series[0].slices.count, 4)
        let index = try XCTUnwrap(lying.series[0].slices.firstIndex { $0.header.fileName == manifest.lying.file })
        let path = SeriesFixtureManifest.path("\(manifest.lying.folder)/\(manifest.lying.file)")
        XCTAssertThrowsError(try lying.series[0].loadSlice(index)) { error in
            XCTAssertEqual("\(error)", "\(path): \(manifest.lying.error)")
        }
        XCTAssertThrowsError(try lying.series[0].loadVolume()) { error in
            XCTAssertEqual("\(error)", "\(path): \(manifest.lying.error)")
        }
    }
}
