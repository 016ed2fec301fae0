import Foundation
import TestSupport

/// The expectations written by Tools/make_dicom_fixtures.py (pydicom + numpy) into
/// Tests/Fixtures/dicom/manifest.json.
struct DICOMFixtureManifest: Decodable {
    struct Window: Decodable {
        let center: Double
        let width: Double
        let explanation: String?
    }

    struct Tags: Decodable {
        let modality: String?
        let bodyPart: String?
        let studyDate: String?
        let studyDescription: String?
        let seriesDescription: String?
        let studyInstanceUID: String?
        let seriesInstanceUID: String?
        let sopInstanceUID: String?
        let transferSyntaxUID: String?
        let patientName: String?
        let patientID: String?
    }

    struct Render: Decodable {
        let frame: Int
        let window: [Double]?
        let invert: Bool
        let zoom: Double
        let panX: Double
        let panY: Double
        let width: Int
        let height: Int
        let expected: [Int]
    }

    struct Fixture: Decodable {
        let file: String
        let rows: Int
        let columns: Int
        let frames: Int
        let samplesPerPixel: Int
        let photometric: String
        let bitsAllocated: Int
        let bitsStored: Int
        let signed: Bool
        let rescaleSlope: Double
        let rescaleIntercept: Double
        let voiFunction: String
        let windows: [Window]
        let tags: Tags
        let stored: [Int]
        let modality: [Double]
        let renders: [Render]
    }

    struct Unsupported: Decodable {
        let file: String
        let error: String
    }

    struct Point: Decodable {
        let x: Int
        let y: Int
        let stored: Int?
        let value: Int?
    }

    struct Sample: Decodable {
        let path: String
        let rows: Int
        let columns: Int
        let photometric: String
        let bitsStored: Int
        let signed: Bool
        let storedSum: Int
        let storedMin: Int
        let storedMax: Int
        let modalitySum: Double
        let points: [Point]
        let windows: [Window]
        let renderWindow: [Double]?
        let renderSum: Int
        let renderPoints: [Point]
        let tags: Tags
        let hasPatientName: Bool
    }

    struct RefusedSample: Decodable {
        let path: String
        let transferSyntaxUID: String
        let error: String
    }

    let fixtures: [Fixture]
    let unsupported: [Unsupported]
    let samples: [Sample]
    let refusedSamples: [RefusedSample]

    static let directory = TestEnvironment.fixture("dicom")

    static func load() throws -> DICOMFixtureManifest {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(DICOMFixtureManifest.self, from: data)
    }

    static func path(_ file: String) -> String {
        directory.appendingPathComponent(file).path
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
    }
}
