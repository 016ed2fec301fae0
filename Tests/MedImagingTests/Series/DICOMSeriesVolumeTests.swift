import Foundation
@testable import MedImaging
import TestSupport
import XCTest

/// Series decoded as volumes and files written as .npy, byte for byte against numpy's
/// `np.save` of pydicom's `pixel_array` (stacked in pydicom's sorted order for a series).
final class DICOMSeriesVolumeTests: XCTestCase {
    private var manifest: SeriesFixtureManifest!

    override func setUpWithError() throws {
        manifest = try SeriesFixtureManifest.load()
    }

    func testEverySeriesVolumeIsNumpysStack() throws {
        var compared = 0
        for (name, expected) in manifest.folders.sorted(by: { $0.key < $1.key }) {
            let folder = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path(name))
            for (series, want) in zip(folder.series, expected.series) {
                guard let npy = want.npy else { continue }
                let volume = try series.loadVolume()
                XCTAssertEqual(volume.frameCount, want.slices, name)
                XCTAssertEqual(volume.npyBytes(keepFrameAxis: true), try SeriesFixtureManifest.bytes(npy), "\(name): \(npy)")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 10)
    }

    /// One slice on demand is the same as that slice of the volume.
    func testSliceOnDemand() throws {
        let series = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("ct_axial")).series[0]
        let volume = try series.loadVolume()
        for index in series.slices.indices {
            let (image, frame) = try series.loadSlice(index)
            XCTAssertEqual(frame, 0)
            XCTAssertEqual(image.frameCount, 1)
            XCTAssertEqual(image.npyBytes(frame: 0), volume.npyBytes(frame: index))
        }
        let frames = try DICOMSeriesFolder.open(path: SeriesFixtureManifest.path("multiframe")).series[0]
        let (image, frame) = try frames.loadSlice(2)
        XCTAssertEqual(frame, 2)
        XCTAssertEqual(image.frameCount, 4)
    }

    /// Every dtype pydicom gives (uint8, int8, uint16, int16; RGB; multi-frame), from whole files.
    func testFilesAsNPYMatchNumpy() throws {
        XCTAssertEqual(manifest.files.count, 8)
        for file in manifest.files {
            let image = try DICOMDecoder.decode(path: TestEnvironment.fixture("dicom/\(file.file)").path)
            let bytes = image.npyBytes()
            XCTAssertEqual(bytes, try SeriesFixtureManifest.bytes(file.npy), file.file)
            XCTAssertTrue(String(decoding: bytes.prefix(128), as: UTF8.self).contains("'descr': '\(file.dtype)'"), file.file)
        }
    }

    func testNPYHeaderLikeNumpy() {
        // np.save(np.zeros(3, 'u1')): a one-element tuple keeps its comma; 64-byte alignment.
        let header = NPYEncoder.header(descr: "|u1", shape: [3])
        XCTAssertEqual(header.count, 128)
        XCTAssertEqual(Array(header.prefix(10)), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0])
        XCTAssertTrue(String(decoding: header, as: UTF8.self).contains("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }"))
        XCTAssertEqual(header.last, 0x0A)
        XCTAssertEqual(NPYEncoder.descr(bitDepth: 16, signed: true), "<i2")
        XCTAssertEqual(NPYEncoder.descr(bitDepth: 8, signed: true), "|i1")
    }

    /// A series whose slices disagree in size is listed with a note but is no volume.
    func testMixedSizesAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-series-mixed-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (index, size) in [16, 16, 8].enumerated() {
            let data = DICOMTestBytes.element(0x0020, 0x000E, "UI", DICOMTestBytes.text("1.2.3", uid: true))
                + DICOMTestBytes.element(0x0020, 0x0013, "IS", DICOMTestBytes.text(String(index + 1)))
                + DICOMTestBytes.imageHeader(rows: size, columns: size)
                + DICOMTestBytes.element(0x7FE0, 0x0010, "OW", [UInt8](repeating: 0, count: size * size * 2))
            try Data(DICOMTestBytes.file(dataSet: data)).write(to: dir.appendingPathComponent("s\(index).dcm"))
        }
        let series = try DICOMSeriesFolder.open(path: dir.path).series
        XCTAssertEqual(series.count, 1)
        XCTAssertEqual(series[0].notes, ["mixed sizes: 16×16 (2), 8×8 (1)", "no slice position: sorted by instance number"])
        XCTAssertThrowsError(try series[0].loadVolume()) { error in
            XCTAssertEqual("\(error)", "\(dir.path)/s2.dcm: does not fit the series: 8×8 pixels where the first slice has 16×16")
        }
    }
}
