import Foundation
@testable import MedImaging
import Support
import TestSupport
import XCTest

/// ct-01 ships the JPEG 2000 lossless original as the distributor made it, with most public
/// elements stored as VR UN: its header must read by tag and its pixels decode exactly as
/// pydicom's (expected values from Tools/make_sample_expectations.py).
final class ShippedCompressedSampleTests: XCTestCase {
    func testCT01IsTheJ2KOriginalAndDecodesAsPydicom() throws {
        let want = try SampleExpectations.load().ct01
        let path = SampleExpectations.path(want.file)
        XCTAssertEqual(try SHA256.hex(ofFile: path), want.fileSHA256, "the shipped file is the original")

        let image = try DICOMDecoder.decode(path: path)
        XCTAssertEqual(image.metadata.transferSyntaxUID, want.transferSyntax)
        XCTAssertEqual(image.width, want.columns)
        XCTAssertEqual(image.height, want.rows)
        XCTAssertTrue(image.metadata.isSigned)
        XCTAssertEqual(SHA256.hex(of: image.npyBytes()), want.npySHA256, "pixels equal to pydicom's pixel_array")
        var low = Int.max, high = Int.min
        for y in 0..<image.height {
            for x in 0..<image.width {
                low = min(low, image.storedValue(x: x, y: y))
                high = max(high, image.storedValue(x: x, y: y))
            }
        }
        XCTAssertEqual([low, high], [want.min, want.max])
        // UIDs and modality are among the UN elements: read by tag, not by VR.
        XCTAssertEqual(image.metadata.modality, "CT")
        XCTAssertEqual(image.metadata.studyInstanceUID, want.studyInstanceUID)
        XCTAssertEqual(image.metadata.seriesInstanceUID, want.seriesInstanceUID)
        XCTAssertEqual(image.metadata.sopInstanceUID, want.sopInstanceUID)
        XCTAssertEqual(!image.metadata.windows.isEmpty, want.hasWindow, "no window in the file: the case supplies one")
    }

    /// The quirk the test above relies on is really in the shipped file.
    func testCT01StoresItsElementsAsUN() throws {
        let want = try SampleExpectations.load().ct01
        let path = SampleExpectations.path(want.file)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let file = try DICOMFile(bytes: bytes, source: path, maxInflatedBytes: DICOMDecoder.defaultByteLimit)
        XCTAssertEqual(file.dataSet.elements.values.filter { $0.vr == "UN" }.count, want.unElements)
        XCTAssertGreaterThan(want.unElements, 30)
    }
}
