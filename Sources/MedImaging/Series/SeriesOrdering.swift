/// How a series' slices were put in order, best first; the weaker ones are named in the
/// series' notes so a reader knows not to trust the order as geometry.
public enum SeriesOrdering: String, Sendable, Equatable {
    /// Along the slice normal: Image Position (Patient) · (row × column direction).
    case position
    /// Instance Number (0020,0013), where positions or orientations are missing or disagree.
    case instanceNumber = "instance number"
    /// File name, where Instance Number is missing too.
    case fileName = "file name"
    /// The frames of one multi-frame file, in file order.
    case frames
}
