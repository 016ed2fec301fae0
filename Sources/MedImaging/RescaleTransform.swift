/// The DICOM modality LUT as a linear rescale: value = stored × slope + intercept.
///
/// For CT this turns stored values into Hounsfield units. Images without one
/// (PNG, JPEG, most MR) use the identity.
public struct RescaleTransform: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    /// Rescale Type (0028,1054) when the file gives it, e.g. "HU".
    public var type: String?

    public init(slope: Double = 1, intercept: Double = 0, type: String? = nil) {
        self.slope = slope
        self.intercept = intercept
        self.type = type
    }

    public static let identity = RescaleTransform()

    public var isIdentity: Bool { slope == 1 && intercept == 0 }

    /// The modality value of one stored value.
    public func apply(_ stored: Int) -> Double { Double(stored) * slope + intercept }
}
