import Foundation
import TestSupport

/// The expectations Tools/make_series_fixtures.py wrote (pydicom's sort, numpy's
/// `np.save` of each `pixel_array` stack) into Tests/Fixtures/dicom/series/series_manifest.json.
struct SeriesFixtureManifest: Decodable {
    struct Series: Decodable {
        let seriesInstanceUID: String
        let seriesNumber: Int
        let modality: String
        let rows: Int
        let columns: Int
        let slices: Int
        /// File names in sorted order (a multi-frame file once per frame).
        let files: [String]
        let frames: [Int?]
        let pixelSpacing: [Double]
        let windows: [[Double]]
        /// "position", "instance number" or "frames".
        let ordering: String
        let orientation: String?
        let sliceSpacing: Double?
        /// 1-based slice pairs at one position.
        let duplicates: [[Int]]
        /// 1-based slices followed by a gap.
        let gapsAfter: [Int]
        /// The expected .npy, relative to the series folder; nil for the lying folder.
        let npy: String?
    }

    struct Folder: Decodable {
        let series: [Series]
        let ignored: [String]
        let unreadable: [String]
    }

    struct File: Decodable {
        /// Relative to Tests/Fixtures/dicom.
        let file: String
        let npy: String
        let dtype: String
        let shape: [Int]
    }

    struct Lying: Decodable {
        let folder: String
        let file: String
        let error: String
    }

    let folders: [String: Folder]
    let files: [File]
    let lying: Lying

    static let root = TestEnvironment.fixture("dicom/series")

    static func load() throws -> SeriesFixtureManifest {
        try JSONDecoder().decode(SeriesFixtureManifest.self, from: Data(contentsOf: root.appendingPathComponent("series_manifest.json")))
    }

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func bytes(_ relative: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: root.appendingPathComponent(relative))) }
}
