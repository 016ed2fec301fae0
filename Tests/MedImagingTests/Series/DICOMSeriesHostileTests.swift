import Foundation
@testable import MedImaging
import TestSupport
import XCTest

/// Folders built to hurt: too many files, a header claiming 2³¹ frames, a FIFO, nothing
/// readable. Each gives its one-line error (or is passed over) without hanging.
final class DICOMSeriesHostileTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-series-hostile-\(getpid())-\(name.hashValue)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func slice(frames: Int? = nil, pixelBytes: Int = 16 * 16 * 2) -> [UInt8] {
        DICOMTestBytes.file(dataSet: DICOMTestBytes.imageHeader(rows: 16, columns: 16, frames: frames)
            + DICOMTestBytes.element(0x7FE0, 0x0010, "OW", [UInt8](repeating: 0, count: pixelBytes)))
    }

    func testTooManyFilesIsRefusedBeforeReadingAny() throws {
        for index in 0..<30 { XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent("f\(index)").path, contents: Data())) }
        var limits = DICOMSeriesLimits.default
        limits.maxFiles = 20
        XCTAssertThrowsError(try DICOMSeriesFolder.open(path: dir.path, limits: limits)) { error in
            XCTAssertEqual("\(error)", "\(dir.path): too many files: 30 entries exceeds the limit of 20")
        }
    }

    func testTooManySlicesStopsTheScan() throws {
        for index in 0..<5 { try Data(slice()).write(to: dir.appendingPathComponent("s\(index).dcm")) }
        var limits = DICOMSeriesLimits.default
        limits.maxSlices = 3
        XCTAssertThrowsError(try DICOMSeriesFolder.open(path: dir.path, limits: limits)) { error in
            XCTAssertEqual("\(error)", "\(dir.path): too many slices: more than the limit of 3")
        }
    }

    /// A header claiming 2³¹−1 frames is named and left out; no slice list of that size is made.
    func testAFrameCountThatLiesIsNamed() throws {
        try Data(slice()).write(to: dir.appendingPathComponent("good.dcm"))
        try Data(slice(frames: Int(Int32.max))).write(to: dir.appendingPathComponent("liar.dcm"))
        let folder = try DICOMSeriesFolder.open(path: dir.path)
        XCTAssertEqual(folder.series.count, 1)
        XCTAssertEqual(folder.series[0].slices.count, 1)
        XCTAssertEqual(folder.unreadable.map(\.description),
                       ["\(dir.path)/liar.dcm: too large: 2147483647 frames exceeds the limit of 20000 slices"])
    }

    func testVolumeOverThePixelLimitIsRefusedFromHeaders() throws {
        for index in 0..<4 { try Data(slice()).write(to: dir.appendingPathComponent("s\(index).dcm")) }
        var limits = DICOMSeriesLimits.default
        limits.maxVolumePixels = 16 * 16 * 3
        let series = try DICOMSeriesFolder.open(path: dir.path).series[0]
        XCTAssertThrowsError(try series.loadVolume(limits: limits)) { error in
            XCTAssertTrue("\(error)".hasSuffix("too large: 16×16 pixels × 4 slices exceeds the limit of 768 pixels"), "\(error)")
        }
    }

    /// A FIFO and a subfolder are not slices: passed over without blocking.
    func testSpecialFilesArePassedOver() throws {
        try Data(slice()).write(to: dir.appendingPathComponent("a.dcm"))
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("pipe").path, 0o600), 0)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
        let folder = try DICOMSeriesFolder.open(path: dir.path)
        XCTAssertEqual(folder.ignored, ["pipe", "sub"])
        XCTAssertEqual(folder.series[0].slices.count, 1)
    }

    /// A slice whose header is longer than the first read still sorts (the whole file is read).
    func testLongHeaderIsReadWhole() throws {
        let padding = DICOMTestBytes.element(0x0008, 0x103E, "LO", DICOMTestBytes.text(String(repeating: "x", count: 60_000)))
        let long = DICOMTestBytes.element(0x0018, 0x1030, "LT", DICOMTestBytes.text(String(repeating: "y", count: 30_000)))
        let bytes = DICOMTestBytes.file(dataSet: padding + long + DICOMTestBytes.imageHeader(rows: 16, columns: 16)
            + DICOMTestBytes.element(0x7FE0, 0x0010, "OW", [UInt8](repeating: 0, count: 512)))
        XCTAssertGreaterThan(bytes.count, FileBytes.headerPrefix)
        try Data(bytes).write(to: dir.appendingPathComponent("long.dcm"))
        let header = try XCTUnwrap(try DICOMSliceHeader.read(path: dir.appendingPathComponent("long.dcm").path))
        XCTAssertEqual(header.rows, 16)
    }

    func testNothingReadable() throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent("a.txt").path, contents: Data("hello".utf8)))
        XCTAssertThrowsError(try DICOMSeriesFolder.open(path: dir.path)) { error in
            XCTAssertEqual("\(error)", "\(dir.path): no DICOM images: 1 entry, none a DICOM image")
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("DICOM"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try DICOMSeriesFolder.open(path: dir.path)) { error in
            XCTAssertEqual("\(error)", "\(dir.path): no DICOM images: 2 entries, none a DICOM image (subfolders are not searched: open one of them)")
        }
        XCTAssertThrowsError(try DICOMSeriesFolder.open(path: dir.path + "/missing")) { error in
            XCTAssertEqual("\(error)", "\(dir.path)/missing: cannot read folder: no such folder")
        }
    }
}
