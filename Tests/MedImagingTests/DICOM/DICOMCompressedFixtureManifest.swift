import Foundation
import TestSupport

/// The expectations written by Tools/make_compressed_dicom_fixtures.py (pydicom, GDCM,
/// numpy) into Tests/Fixtures/dicom/compressed_manifest.json.
struct DICOMCompressedFixtureManifest: Decodable {
    struct Point: Decodable {
        let index: Int
        let value: Int
    }

    struct Fixture: Decodable {
        let file: String
        let transferSyntaxUID: String
        let rows: Int
        let columns: Int
        let frames: Int
        let samplesPerPixel: Int
        /// As the file writes it; `decodedPhotometric` is what the image is (YBR decodes to RGB).
        let photometric: String
        let decodedPhotometric: String
        let bitsAllocated: Int
        let bitsStored: Int
        let signed: Bool
        let rescaleSlope: Double
        let rescaleIntercept: Double
        /// The pydicom plugin that decoded it ("gdcm", "pydicom"…).
        let plugin: String
        let provenance: String
        let sampleCount: Int
        /// sum((i mod 65521 + 1) × value) over pydicom's flattened `pixel_array`.
        let checksum: Int
        let points: [Point]
        /// pydicom's `pixel_array` flattened, for small files only.
        let stored: [Int]?
        let modality: [Double]?
    }

    struct Failure: Decodable {
        let file: String
        /// The whole problem text for refused files, a distinctive part of it for hostile ones.
        let error: String
    }

    let fixtures: [Fixture]
    let refused: [Failure]
    let hostile: [Failure]

    static func load() throws -> DICOMCompressedFixtureManifest {
        let data = try Data(contentsOf: DICOMFixtureManifest.directory.appendingPathComponent("compressed_manifest.json"))
        return try JSONDecoder().decode(DICOMCompressedFixtureManifest.self, from: data)
    }
}
