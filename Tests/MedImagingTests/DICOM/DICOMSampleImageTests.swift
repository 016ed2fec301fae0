import Foundation
@testable import MedImaging
import XCTest
import TestSupport

/// The real DICOM files in Tests/Fixtures/sample-images against pydicom's numbers in the manifest.
final class DICOMSampleImageTests: XCTestCase {
    private func manifest() throws -> DICOMFixtureManifest {
        let manifest = try DICOMFixtureManifest.load()
        guard !manifest.samples.isEmpty else { throw MissingTestInput("no samples recorded in the manifest") }
        return manifest
    }

    private func samplePath(_ relative: String) throws -> String {
        let path = TestEnvironment.fixture(relative).path
        guard FileManager.default.fileExists(atPath: path) else { throw MissingTestInput("sample image missing: \(relative)") }
        return path
    }

    func testUncompressedSamplesMatchPydicom() throws {
        for sample in try manifest().samples {
            let image = try DICOMDecoder.decode(path: try samplePath(sample.path))
            XCTAssertEqual(image.width, sample.columns, sample.path)
            XCTAssertEqual(image.height, sample.rows, sample.path)
            XCTAssertEqual(image.metadata.photometric.rawValue, sample.photometric, sample.path)
            XCTAssertEqual(image.metadata.bitsStored, sample.bitsStored, sample.path)
            XCTAssertEqual(image.metadata.isSigned, sample.signed, sample.path)

            var sum = 0, low = Int.max, high = Int.min
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let value = image.storedValue(x: x, y: y)
                    sum += value
                    low = min(low, value)
                    high = max(high, value)
                }
            }
            XCTAssertEqual(sum, sample.storedSum, sample.path)
            XCTAssertEqual(low, sample.storedMin, sample.path)
            XCTAssertEqual(high, sample.storedMax, sample.path)
            for point in sample.points {
                XCTAssertEqual(image.storedValue(x: point.x, y: point.y), point.stored, "\(sample.path) at \(point.x),\(point.y)")
            }
            let modalitySum = image.modalityValues().reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(modalitySum, sample.modalitySum, accuracy: 1e-6 * max(1, abs(sample.modalitySum)), sample.path)

            XCTAssertEqual(image.metadata.windows.map(\.center), sample.windows.map(\.center), sample.path)
            XCTAssertEqual(image.metadata.windows.map(\.width), sample.windows.map(\.width), sample.path)
            let tags = sample.tags
            XCTAssertEqual(image.metadata.modality, tags.modality, sample.path)
            XCTAssertEqual(image.metadata.bodyPart, tags.bodyPart, sample.path)
            XCTAssertEqual(image.metadata.studyDate, tags.studyDate, sample.path)
            XCTAssertEqual(image.metadata.studyDescription, tags.studyDescription, sample.path)
            XCTAssertEqual(image.metadata.seriesDescription, tags.seriesDescription, sample.path)
            XCTAssertEqual(image.metadata.studyInstanceUID, tags.studyInstanceUID, sample.path)
            XCTAssertEqual(image.metadata.seriesInstanceUID, tags.seriesInstanceUID, sample.path)
            XCTAssertEqual(image.metadata.sopInstanceUID, tags.sopInstanceUID, sample.path)
            XCTAssertEqual(image.metadata.transferSyntaxUID, tags.transferSyntaxUID, sample.path)
            XCTAssertEqual(image.identifiers.patientName != nil, sample.hasPatientName, sample.path)
        }
    }

    /// Default-view render at native size: the file's first window (CT without one: W400/L40),
    /// MONOCHROME1 inverted, against pydicom's apply_voi_lut.
    func testSampleRendersMatchPydicom() throws {
        for sample in try manifest().samples {
            let image = try DICOMDecoder.decode(path: try samplePath(sample.path))
            if let window = sample.renderWindow {
                XCTAssertEqual(image.defaultWindow().center, window[0], sample.path)
                XCTAssertEqual(image.defaultWindow().width, window[1], sample.path)
            }
            let output = image.render(width: image.width, height: image.height)
            let values = (0..<output.pixels.count).map { output.pixels[$0] }
            let sum = values.reduce(0, +)
            // Rounding may differ by one on pixels that land exactly on .5.
            XCTAssertLessThanOrEqual(abs(sum - sample.renderSum), values.count / 100, sample.path)
            for point in sample.renderPoints {
                let got = output.sample(x: point.x, y: point.y, channel: 0)
                XCTAssertLessThanOrEqual(abs(got - (point.value ?? -99)), 1, "\(sample.path) at \(point.x),\(point.y)")
            }
        }
    }

    /// The JPEG 2000 originals of the CT and chest X-ray samples (refused by name until the
    /// codecs came) open through the whole file path — meta, encapsulated fragments, OpenJPEG
    /// — to exactly pydicom's `pixel_array` (recorded with the codec fixtures).
    func testJPEG2000SamplesDecodeThroughTheFile() throws {
        let originals = try DICOMFixtureManifest.load().refusedSamples
        guard !originals.isEmpty else { throw MissingTestInput("no JPEG 2000 samples recorded in the manifest") }
        let expected = try CodecFixtureManifest.load().fixtures.filter { $0.name.hasPrefix("j2k_sample_") }
        XCTAssertEqual(expected.count, originals.count)
        for entry in originals {
            let path = try samplePath(entry.path)
            let oracle = try XCTUnwrap(expected.first { $0.codestream.file == entry.path }, entry.path)
            let image = try DICOMDecoder.decode(path: path)
            XCTAssertEqual(image.metadata.transferSyntaxUID, entry.transferSyntaxUID)
            oracle.check(image.pixels)
            XCTAssertNoThrow(try MedicalImage.load(path: path))
        }
    }

    /// A 512×512 CT rendered to the model's 896×896 and to a small terminal preview. (How
    /// fast is `medgemma bench`'s question, not a test's: a wall-clock bound fails on a
    /// loaded machine and passes a slow change on a fast one.)
    func testLargeRenders() throws {
        let sample = try XCTUnwrap(try manifest().samples.first { $0.path.contains("/ct/") })
        let image = try DICOMDecoder.decode(path: try samplePath(sample.path))
        let large = image.render(width: 896, height: 896)
        let small = image.render(view: ImageView(zoom: 2, panX: 40), width: 80, height: 40)
        XCTAssertEqual(large.width, 896)
        XCTAssertEqual(small.pixels.count, 80 * 40)
    }
}
