/// A window (center and width in modality values) that picks the value range to display.
///
/// DICOM files may carry several (0028,1050/1051, e.g. "lung" and "mediastinum"); the
/// first is the default. Viewers and the model preprocessing may also make their own.
public struct VOIWindow: Sendable, Equatable {
    public var center: Double
    public var width: Double
    /// The file's Window Center & Width Explanation for this window, if any.
    public var explanation: String?

    /// A width that is not finite and positive becomes 1, so every window renders
    /// (`VOIFunction` never divides by a zero width for positive widths).
    public init(center: Double, width: Double, explanation: String? = nil) {
        self.center = center
        self.width = width.isFinite && width > 0 ? width : 1
        self.explanation = explanation
    }

    /// The window that maps `low` to black and `high` to white under LINEAR
    /// (centre (low+high+1)/2, width high−low+1; see `VOIFunction.linear`).
    public static func covering(low: Double, high: Double, explanation: String? = nil) -> VOIWindow {
        let high = max(high, low)
        return VOIWindow(center: (low + high + 1) / 2, width: high - low + 1, explanation: explanation)
    }
}
