/// One slice of a series: a single-frame file, or one frame of a multi-frame file.
public struct DICOMSeriesSlice: Sendable, Equatable {
    public let header: DICOMSliceHeader
    /// The frame of a multi-frame file (0-based); nil for a single-frame file.
    public let frame: Int?

    public init(header: DICOMSliceHeader, frame: Int? = nil) {
        self.header = header
        self.frame = frame
    }

    /// Where the slice lies along its normal in mm: the file's position, or the frame's own
    /// in an enhanced multi-frame file; nil when unknown.
    public var location: Double? {
        guard let frame else { return header.location }
        guard let positions = header.framePositions, frame < positions.count else { return nil }
        return header.location(of: positions[frame])
    }
}
