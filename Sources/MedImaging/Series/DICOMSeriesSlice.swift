/// One slice of a series: a single-frame file, or one frame of a multi-frame file.
public struct DICOMSeriesSlice: Sendable, Equatable {
    public let header: DICOMSliceHeader
    /// The frame of a multi-frame file (0-based); nil for a single-frame file.
    public let frame: Int?

    public init(header: DICOMSliceHeader, frame: Int? = nil) {
        self.header = header
        self.frame = frame
    }
}
