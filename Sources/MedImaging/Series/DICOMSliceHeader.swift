/// What a series needs to know about one DICOM file, read from its header alone: where
/// the slice lies, how big it is and which series it belongs to.
///
/// Listing and sorting a series of hundreds of slices must not decode hundreds of
/// images, so this is all the folder scan keeps; the pixels are decoded on demand
/// (`DICOMSeries.loadSlice`, `loadVolume`). Holds no patient identifiers.
public struct DICOMSliceHeader: Sendable, Equatable {
    /// The file, as the folder scan found it.
    public let path: String
    public let rows: Int
    public let columns: Int
    /// Number of Frames (1 for a single-frame file).
    public let frames: Int
    public let samplesPerPixel: Int
    public let bitsAllocated: Int
    public let bitsStored: Int
    public let isSigned: Bool
    /// Photometric Interpretation as the file writes it.
    public let photometric: String
    public let modality: String?
    public let seriesInstanceUID: String?
    public let seriesDescription: String?
    public let seriesNumber: Int?
    public let instanceNumber: Int?
    /// Image Position (Patient) (0020,0032): the first pixel's centre in mm; nil unless three finite numbers.
    public let position: [Double]?
    /// Each frame's position, for an enhanced multi-frame file that gives them (`EnhancedFrameGeometry`).
    public let framePositions: [[Double]]?
    /// Image Orientation (Patient) (0020,0037): row then column direction cosines; nil unless six
    /// finite numbers making two non-parallel directions.
    public let orientation: [Double]?
    /// Pixel Spacing (0028,0030): between rows, then between columns, in mm.
    public let pixelSpacing: [Double]?
    public let sliceThickness: Double?
    /// Spacing Between Slices (0018,0088): what a multi-frame volume without per-frame positions has.
    public let spacingBetweenSlices: Double?
    /// The file's windows, first = its default.
    public let windows: [VOIWindow]
    public let rescale: RescaleTransform

    /// The file's name without its folder.
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Where the slice lies along its normal (position · (row × column direction)), in mm.
    public var location: Double? { position.flatMap(location(of:)) }

    /// Where `position` lies along this header's slice normal, in mm.
    func location(of position: [Double]) -> Double? {
        guard let orientation, let normal = SliceOrientation.normal(of: orientation) else { return nil }
        return position[0] * normal[0] + position[1] * normal[1] + position[2] * normal[2]
    }
}
