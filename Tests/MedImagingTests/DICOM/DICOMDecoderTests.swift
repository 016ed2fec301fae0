import Foundation
@testable import MedImaging
import XCTest
import TestSupport

/// The fixtures from Tools/make_dicom_fixtures.py, compared with pydicom's values.
final class DICOMDecoderTests: XCTestCase {
    private var manifest: DICOMFixtureManifest!

    override func setUpWithError() throws {
        manifest = try DICOMFixtureManifest.load()
        XCTAssertGreaterThanOrEqual(manifest.fixtures.count, 12)
    }

    private func decode(_ fixture: DICOMFixtureManifest.Fixture) throws -> MedicalImage {
        try DICOMDecoder.decode(path: DICOMFixtureManifest.path(fixture.file))
    }

    func testShapeAndPixelModule() throws {
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            XCTAssertEqual(image.width, fixture.columns, fixture.file)
            XCTAssertEqual(image.height, fixture.rows, fixture.file)
            XCTAssertEqual(image.frameCount, fixture.frames, fixture.file)
            XCTAssertEqual(image.channels.count, fixture.samplesPerPixel, fixture.file)
            XCTAssertEqual(image.metadata.photometric.rawValue, fixture.photometric, fixture.file)
            XCTAssertEqual(image.pixels.bitDepth, fixture.bitsAllocated, fixture.file)
            XCTAssertEqual(image.metadata.bitsStored, fixture.bitsStored, fixture.file)
            XCTAssertEqual(image.metadata.isSigned, fixture.signed, fixture.file)
            XCTAssertEqual(image.metadata.format, .dicom)
        }
    }

    /// Stored values (masked, sign-extended, planes interleaved) equal pydicom's pixel_array.
    func testStoredValuesMatchPydicom() throws {
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            var values: [Int] = []
            for frame in 0..<image.frameCount {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        for c in 0..<image.channels.count {
                            values.append(image.storedValue(x: x, y: y, channel: c, frame: frame))
                        }
                    }
                }
            }
            XCTAssertEqual(values, fixture.stored, fixture.file)
        }
    }

    /// Modality values (rescale) equal pydicom's apply_modality_lut, frame by frame.
    func testModalityValuesMatchPydicom() throws {
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            XCTAssertEqual(image.metadata.rescale.slope, fixture.rescaleSlope, fixture.file)
            XCTAssertEqual(image.metadata.rescale.intercept, fixture.rescaleIntercept, fixture.file)
            let values = (0..<image.frameCount).flatMap { image.modalityValues(frame: $0) }
            XCTAssertEqual(values.count, fixture.modality.count, fixture.file)
            for (got, want) in zip(values, fixture.modality) where abs(Double(got) - want) > 1e-3 {
                XCTFail("\(fixture.file): modality value \(got), pydicom \(want)")
                break
            }
        }
    }

    func testWindowsAndVOIFunction() throws {
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            XCTAssertEqual(image.metadata.voiFunction.rawValue, fixture.voiFunction, fixture.file)
            XCTAssertEqual(image.metadata.windows.count, fixture.windows.count, fixture.file)
            for (got, want) in zip(image.metadata.windows, fixture.windows) {
                XCTAssertEqual(got.center, want.center, fixture.file)
                XCTAssertEqual(got.width, want.width, fixture.file)
                XCTAssertEqual(got.explanation, want.explanation, fixture.file)
            }
            if let first = fixture.windows.first, fixture.photometric != "RGB" {
                XCTAssertEqual(image.defaultWindow().center, first.center, "first window is the default: \(fixture.file)")
                XCTAssertEqual(image.defaultWindow().width, first.width, fixture.file)
            }
        }
    }

    func testCasePaneTags() throws {
        for fixture in manifest.fixtures {
            let metadata = try decode(fixture).metadata
            let tags = fixture.tags
            XCTAssertEqual(metadata.modality, tags.modality, fixture.file)
            XCTAssertEqual(metadata.bodyPart, tags.bodyPart, fixture.file)
            XCTAssertEqual(metadata.studyDate, tags.studyDate, fixture.file)
            XCTAssertEqual(metadata.studyDescription, tags.studyDescription, fixture.file)
            XCTAssertEqual(metadata.seriesDescription, tags.seriesDescription, fixture.file)
            XCTAssertEqual(metadata.studyInstanceUID, tags.studyInstanceUID, fixture.file)
            XCTAssertEqual(metadata.seriesInstanceUID, tags.seriesInstanceUID, fixture.file)
            XCTAssertEqual(metadata.sopInstanceUID, tags.sopInstanceUID, fixture.file)
            XCTAssertEqual(metadata.transferSyntaxUID, tags.transferSyntaxUID, fixture.file)
        }
    }

    /// Identifiers are read, but no description, debug description or dump shows them.
    func testPatientIdentifiersAreReadButNeverPrinted() throws {
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            XCTAssertEqual(image.identifiers.patientName, fixture.tags.patientName, fixture.file)
            XCTAssertEqual(image.identifiers.patientID, fixture.tags.patientID, fixture.file)
            var dumped = ""
            dump(image, to: &dumped)
            let texts = [image.description, String(describing: image), String(reflecting: image), dumped,
                         String(describing: image.identifiers), String(reflecting: image.identifiers),
                         String(describing: image.metadata)]
            for text in texts {
                for secret in [fixture.tags.patientName, fixture.tags.patientID].compactMap({ $0 }) {
                    XCTAssertFalse(text.contains(secret), "\(fixture.file): identifier printed in \(text.prefix(200))")
                    XCTAssertFalse(text.contains(secret.replacingOccurrences(of: "^", with: " ")), fixture.file)
                }
            }
        }
    }

    /// Renders through views equal pydicom's apply_voi_lut output (+ MONOCHROME1/invert,
    /// zoom, pan, box-filter shrink), within 1 for rounding.
    func testRendersMatchPydicomWindowing() throws {
        var checked = 0
        for fixture in manifest.fixtures {
            let image = try decode(fixture)
            for render in fixture.renders {
                let window = render.window.map { VOIWindow(center: $0[0], width: $0[1]) }
                let view = ImageView(frame: render.frame, window: window, invert: render.invert,
                                     zoom: render.zoom, panX: render.panX, panY: render.panY)
                let output = image.render(view: view, width: render.width, height: render.height)
                XCTAssertEqual(output.width, render.width)
                XCTAssertEqual(output.height, render.height)
                XCTAssertEqual(output.channels, image.channels)
                XCTAssertEqual(output.pixels.count, render.expected.count, fixture.file)
                let got = (0..<output.pixels.count).map { output.pixels[$0] }
                let worst = zip(got, render.expected).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1, "\(fixture.file) view \(view): got \(got.prefix(12)), pydicom \(render.expected.prefix(12))")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 18)
    }

    /// The nested undefined-length sequences hold their own Rows/Columns (an icon);
    /// only the top-level ones may count.
    func testNestedSequencesDoNotShadowTopLevelAttributes() throws {
        for name in ["explicit_nested_sq.dcm", "implicit_nested_sq.dcm"] {
            let image = try DICOMDecoder.decode(path: DICOMFixtureManifest.path(name))
            XCTAssertEqual(image.width, 7, name)
            XCTAssertEqual(image.height, 5, name)
            XCTAssertEqual(image.metadata.photometric, .monochrome2, name)
        }
    }

    func testUnsupportedFixturesNameTheirSyntax() throws {
        XCTAssertFalse(manifest.unsupported.isEmpty)
        for entry in manifest.unsupported {
            let path = DICOMFixtureManifest.path(entry.file)
            XCTAssertThrowsError(try DICOMDecoder.decode(path: path)) { error in
                XCTAssertEqual((error as? DICOMError)?.description, "\(path): \(entry.error)")
            }
        }
    }

    func testBytesAndPathAgree() throws {
        let fixture = try XCTUnwrap(manifest.fixtures.first)
        let fromPath = try decode(fixture)
        let fromBytes = try DICOMDecoder.decode(bytes: DICOMFixtureManifest.bytes(fixture.file), source: "x")
        XCTAssertEqual(fromPath, fromBytes)
    }
}
