import Foundation
@testable import MedImaging
import Support
import TestSupport
import XCTest

/// mr-02's folder, the shipped multi-slice series (RLE Lossless, one file per slice), opened
/// as the workstation opens it and compared with pydicom's reading of the same files
/// (Tools/make_sample_expectations.py): one series, its order, geometry and pixels.
final class ShippedSeriesSampleTests: XCTestCase {
    func testMR02GroupsIntoOneOrderedSeriesWithoutGaps() throws {
        let want = try SampleExpectations.load().mr02
        let folder = try DICOMSeriesFolder.open(path: SampleExpectations.path(want.folder))
        XCTAssertEqual(folder.series.count, 1)
        XCTAssertEqual(folder.unreadable.count, 0)
        XCTAssertEqual(folder.ignored, [])
        let series = try XCTUnwrap(folder.series.first)
        XCTAssertEqual(series.seriesInstanceUID, want.seriesInstanceUID)
        XCTAssertEqual(series.first.modality, want.modality)
        XCTAssertEqual(series.slices.count, want.slices)
        XCTAssertEqual(series.slices.map(\.header.fileName), want.files)
        XCTAssertEqual(series.slices.map { $0.header.position?[2] }, want.z.map { Optional($0) })
        XCTAssertEqual(series.ordering, .position)
        XCTAssertEqual(series.orientation, .axial)
        XCTAssertEqual(try XCTUnwrap(series.sliceSpacing), want.sliceSpacing, accuracy: 1e-9)
        XCTAssertEqual(series.notes, [], "no gaps, duplicates or mixed slices")
        XCTAssertEqual(series.first.rows, want.rows)
        XCTAssertEqual(series.first.columns, want.columns)
        XCTAssertEqual(series.first.pixelSpacing, want.pixelSpacing)
        XCTAssertEqual(series.first.windows.map { [$0.center, $0.width] }, [want.window])
    }

    func testMR02VolumeIsPydicomsStack() throws {
        let want = try SampleExpectations.load().mr02
        let series = try DICOMSeriesFolder.open(path: SampleExpectations.path(want.folder)).series[0]
        let (first, _) = try series.loadSlice(0)
        XCTAssertEqual(first.metadata.transferSyntaxUID, want.transferSyntax)
        XCTAssertEqual(SHA256.hex(of: first.npyBytes(frame: 0)), want.firstSliceNpySHA256)
        let volume = try series.loadVolume()
        XCTAssertEqual(volume.frameCount, want.slices)
        XCTAssertEqual(SHA256.hex(of: volume.npyBytes(keepFrameAxis: true)), want.npySHA256)
    }
}
