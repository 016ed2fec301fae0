/// How stored samples map to brightness and colour (DICOM Photometric Interpretation).
///
/// PNG and JPEG gray images are `monochrome2`; their colour images are `rgb`.
public enum Photometric: String, Sendable, Equatable, CaseIterable {
    /// Gray, the lowest value displays white (common in computed radiography).
    case monochrome1 = "MONOCHROME1"
    /// Gray, the lowest value displays black.
    case monochrome2 = "MONOCHROME2"
    /// Red, green, blue samples per pixel.
    case rgb = "RGB"

    /// Whether the pixels have one gray sample (and go through rescale and window).
    public var isMonochrome: Bool { self != .rgb }
}
