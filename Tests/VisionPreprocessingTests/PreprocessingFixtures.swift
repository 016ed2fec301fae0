import Foundation
import TestSupport

/// The expectations that Tools/make_preprocessing_fixtures.py wrote into
/// Tests/Fixtures/preprocessing/ from Pillow, NumPy and transformers.
enum PreprocessingFixtures {
    struct ResizeCase: Decodable {
        let name: String
        let width: Int
        let height: Int
        let outWidth: Int
        let outHeight: Int
        let input: String
        let expected: String
    }

    struct ResizeFile: Decodable {
        let pillowVersion: String
        let cases: [ResizeCase]
    }

    struct PanAndScanSettings: Decodable {
        let minCropSize: Int
        let maxCrops: Int
        let minRatioToActivate: Double
    }

    struct ProcessorRun: Decodable {
        let name: String
        let width: Int
        let height: Int
        let input: String
        let outWidth: Int
        let outHeight: Int
        let mean: [Double]
        let std: [Double]
        let panAndScan: PanAndScanSettings?
        let shape: [Int]
        let numCrops: [Int]
        let pixelValues: [Double]
    }

    struct NormalizeFile: Decodable {
        let runs: [ProcessorRun]
    }

    struct Rect: Decodable {
        let x: Int
        let y: Int
        let width: Int
        let height: Int
    }

    struct PanAndScanCase: Decodable {
        let width: Int
        let height: Int
        let minCropSize: Int
        let maxCrops: Int
        let minRatioToActivate: Double
        let crops: [Rect]
    }

    struct PanAndScanFile: Decodable {
        let cases: [PanAndScanCase]
    }

    struct PromptFile: Decodable {
        let imageSequenceStandIn: String
        let replacements: [String: String]
    }

    struct CTWindowsFile: Decodable {
        let width: Int
        let height: Int
        let windows: [[Double]]
        let hounsfield: [Double]
        let expected: String
    }

    struct ConvertCase: Decodable {
        let mode: String
        let channels: Int
        let width: Int
        let height: Int
        let input: String
        let expected: String
    }

    struct ConvertFile: Decodable {
        let cases: [ConvertCase]
    }

    struct Sample: Decodable {
        let path: String
        let outWidth: Int
        let outHeight: Int
        let resizedSHA256: String
        let pixelValuesSHA256: String?
    }

    struct SamplesFile: Decodable {
        let samples: [Sample]
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let data = try Data(contentsOf: TestEnvironment.fixture("preprocessing/\(name)"))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// The bytes of a base64 field.
    static func bytes(_ base64: String) -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else { preconditionFailure("fixture holds invalid base64") }
        return [UInt8](data)
    }
}
