import Foundation
@testable import MedImaging
import XCTest
import TestSupport

/// Compressed fixtures (RLE, JPEG Baseline, deflated; single and multi-frame, with and
/// without offset tables) decode to exactly pydicom's `pixel_array`.
final class DICOMCompressedPixelDecoderTests: XCTestCase {
    private var manifest: DICOMCompressedFixtureManifest!

    override func setUpWithError() throws {
        manifest = try DICOMCompressedFixtureManifest.load()
        XCTAssertGreaterThanOrEqual(manifest.fixtures.count, 20)
    }

    private func storedValues(_ image: MedicalImage) -> [Int] {
        (0 ..< image.frameCount * image.samplesPerFrame).map { image.storedValue(at: $0) }
    }

    func testShapeAndPixelModule() throws {
        for fixture in manifest.fixtures {
            let image = try DICOMDecoder.decode(path: DICOMFixtureManifest.path(fixture.file))
            XCTAssertEqual(image.width, fixture.columns, fixture.file)
            XCTAssertEqual(image.height, fixture.rows, fixture.file)
            XCTAssertEqual(image.frameCount, fixture.frames, fixture.file)
            XCTAssertEqual(image.channels.count, fixture.samplesPerPixel, fixture.file)
            XCTAssertEqual(image.metadata.photometric.rawValue, fixture.decodedPhotometric, fixture.file)
            XCTAssertEqual(image.pixels.bitDepth, fixture.bitsAllocated, fixture.file)
            XCTAssertEqual(image.metadata.bitsStored, fixture.bitsStored, fixture.file)
            XCTAssertEqual(image.metadata.isSigned, fixture.signed, fixture.file)
            XCTAssertEqual(image.metadata.transferSyntaxUID, fixture.transferSyntaxUID, fixture.file)
        }
    }

    /// Every sample equals pydicom's: in full for small files, by checksum and points for the others.
    func testStoredValuesMatchPydicom() throws {
        for fixture in manifest.fixtures {
            let image = try DICOMDecoder.decode(path: DICOMFixtureManifest.path(fixture.file))
            let values = storedValues(image)
            XCTAssertEqual(values.count, fixture.sampleCount, fixture.file)
            if let stored = fixture.stored {
                XCTAssertEqual(values, stored, "\(fixture.file) (pydicom plugin \(fixture.plugin))")
            }
            let checksum = values.enumerated().reduce(0) { $0 + ($1.offset % 65521 + 1) * $1.element }
            XCTAssertEqual(checksum, fixture.checksum, "\(fixture.file) (pydicom plugin \(fixture.plugin))")
            for point in fixture.points where point.index < values.count {
                XCTAssertEqual(values[point.index], point.value, "\(fixture.file) sample \(point.index)")
            }
        }
    }

    func testModalityValuesMatchPydicom() throws {
        for fixture in manifest.fixtures where fixture.decodedPhotometric != "RGB" {
            guard let modality = fixture.modality else { continue }
            let image = try DICOMDecoder.decode(path: DICOMFixtureManifest.path(fixture.file))
            let values = (0..<image.frameCount).flatMap { image.modalityValues(frame: $0) }
            XCTAssertEqual(values.count, modality.count, fixture.file)
            for (got, want) in zip(values, modality) where abs(Double(got) - want) > 1e-3 {
                XCTFail("\(fixture.file): modality value \(got), pydicom \(want)")
                break
            }
        }
    }

    /// Decoding from bytes gives the same image as from the path, frame order included.
    func testMultiFrameLayoutsAgree() throws {
        let names = ["rle_multiframe3_bot.dcm", "rle_multiframe3_nobot.dcm", "rle_multiframe3_eot.dcm",
                     "rle_multiframe3_split_bot.dcm"]
        let images = try names.map { try DICOMDecoder.decode(path: DICOMFixtureManifest.path($0)) }
        for (name, image) in zip(names, images).dropFirst() {
            XCTAssertEqual(image.pixels, images[0].pixels, name)
        }
    }

    /// Native pixel data where a compressed syntax promises fragments.
    func testNativePixelDataInCompressedSyntaxIsRefused() {
        let bytes = DICOMTestBytes.smallImage(transferSyntax: "1.2.840.10008.1.2.5")
        XCTAssertThrowsError(try DICOMDecoder.decode(bytes: bytes, source: "n.dcm")) { error in
            XCTAssertEqual((error as? DICOMError)?.description,
                           "n.dcm: damaged DICOM: pixel data is not encapsulated in a compressed transfer syntax")
        }
    }

    /// A compressed file claiming a huge matrix is refused from its header, before any fragment is read.
    func testHugeCompressedImagesAreRefusedFromTheHeader() {
        let B = DICOMTestBytes.self
        let bytes = B.file(transferSyntax: "1.2.840.10008.1.2.5", dataSet: B.imageHeader(rows: 60000, columns: 60000)
            + B.pixelData([], length: B.undefined) + B.delimiter(0xE000) + B.delimiter(0xE000, length: 64)
            + [UInt8](repeating: 0, count: 64) + B.delimiter(0xE0DD))
        XCTAssertThrowsError(try DICOMDecoder.decode(bytes: bytes, source: "h.dcm")) { error in
            XCTAssertEqual((error as? DICOMError)?.description,
                           "h.dcm: too large: 60000×60000 pixels × 1 frame(s) exceeds the limit of 100000000 pixels")
        }
    }

    func testRefusedSyntaxesAreNamed() throws {
        XCTAssertFalse(manifest.refused.isEmpty)
        for entry in manifest.refused {
            let path = DICOMFixtureManifest.path(entry.file)
            XCTAssertThrowsError(try DICOMDecoder.decode(path: path)) { error in
                XCTAssertEqual((error as? DICOMError)?.description, "\(path): \(entry.error)")
            }
        }
    }
}
