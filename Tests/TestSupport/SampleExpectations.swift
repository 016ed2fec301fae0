import Foundation

/// What pydicom and numpy say about the shipped compressed samples (ct-01's JPEG 2000
/// original and mr-02's RLE series), written by Tools/make_sample_expectations.py into
/// Tests/Fixtures/samples_expected.json, so tests compare our reader with an independent one.
public struct SampleExpectations: Decodable {
    public struct CT: Decodable {
        /// Relative to the repository root.
        public let file: String
        public let fileSHA256: String
        public let transferSyntax: String
        public let rows: Int
        public let columns: Int
        public let min: Int
        public let max: Int
        /// sha256 of numpy's `np.save` bytes of pydicom's `pixel_array`.
        public let npySHA256: String
        public let studyInstanceUID: String
        public let seriesInstanceUID: String
        public let sopInstanceUID: String
        public let hasWindow: Bool
        /// Top-level elements stored with VR UN.
        public let unElements: Int
    }

    public struct Series: Decodable {
        /// Relative to the repository root.
        public let folder: String
        public let seriesInstanceUID: String
        public let transferSyntax: String
        public let modality: String
        public let slices: Int
        /// File names in ImagePositionPatient z order.
        public let files: [String]
        /// ImagePositionPatient z of each, in that order.
        public let z: [Double]
        public let sliceSpacing: Double
        public let rows: Int
        public let columns: Int
        public let pixelSpacing: [Double]
        /// [center, width].
        public let window: [Double]
        /// sha256 of `np.save` of the slices' `pixel_array`s stacked in z order.
        public let npySHA256: String
        public let firstSliceNpySHA256: String
    }

    public let ct01: CT
    public let mr02: Series

    public static func load() throws -> SampleExpectations {
        try JSONDecoder().decode(SampleExpectations.self,
                                 from: Data(contentsOf: TestEnvironment.fixture("samples_expected.json")))
    }

    /// A path in the expectations (relative to the repository root) as an absolute path.
    public static func path(_ relative: String) -> String {
        TestEnvironment.samples.deletingLastPathComponent().appendingPathComponent(relative).path
    }
}
