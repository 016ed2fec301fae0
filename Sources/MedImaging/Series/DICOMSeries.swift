/// The slices of one series in order, with what a reader must know before trusting them
/// as a volume: how they were ordered, their spacing, and notes on gaps, duplicates and
/// slices that do not match.
///
/// Built from headers only (`DICOMSeriesFolder.open`); pixels are decoded on demand.
public struct DICOMSeries: Sendable, Equatable {
    public let seriesInstanceUID: String?
    /// Never empty.
    public let slices: [DICOMSeriesSlice]
    public let ordering: SeriesOrdering
    /// From the first slice's direction cosines; nil when it has none.
    public let orientation: SliceOrientation?
    /// The usual distance between neighbouring slices in mm (the median of the steps along
    /// the normal, duplicates left out); a multi-frame file's Spacing Between Slices.
    public let sliceSpacing: Double?
    /// One short phrase each: gaps, duplicates, mixed sizes or orientations, a weak ordering.
    public let notes: [String]

    public init(seriesInstanceUID: String?, slices: [DICOMSeriesSlice], ordering: SeriesOrdering,
                orientation: SliceOrientation?, sliceSpacing: Double?, notes: [String]) {
        precondition(!slices.isEmpty, "a series has at least one slice")
        self.seriesInstanceUID = seriesInstanceUID
        self.slices = slices
        self.ordering = ordering
        self.orientation = orientation
        self.sliceSpacing = sliceSpacing
        self.notes = notes
    }

    /// The first slice's header: modality, size, windows and descriptions of the series.
    public var first: DICOMSliceHeader { slices[0].header }

    /// The notes as the one line a status bar or a summary shows ("" when there are none).
    public var noteLine: String { notes.joined(separator: "; ") }
}
