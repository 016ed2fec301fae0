import Foundation

/// The VOI LUT Function (0028,1056): how a window maps values to display.
///
/// Formulas from DICOM PS3.3 C.11.2.1.2 (LINEAR), C.11.2.1.3.2 (LINEAR_EXACT) and
/// C.11.2.1.3.1 (SIGMOID). LINEAR is the default when the file names none.
public enum VOIFunction: String, Sendable, Equatable, CaseIterable {
    case linear = "LINEAR"
    case linearExact = "LINEAR_EXACT"
    case sigmoid = "SIGMOID"

    /// The display fraction (0 black … 1 white) of modality value `x` through a window.
    ///
    /// `width` must be ≥ 1 for LINEAR and > 0 otherwise (`VOIWindow` guarantees it).
    public func fraction(of x: Double, center: Double, width: Double) -> Double {
        switch self {
        case .linear:
            let c = center - 0.5, w = width - 1
            if x <= c - w / 2 { return 0 }
            if x > c + w / 2 { return 1 }
            return (x - c) / w + 0.5
        case .linearExact:
            if x <= center - width / 2 { return 0 }
            if x > center + width / 2 { return 1 }
            return (x - center) / width + 0.5
        case .sigmoid:
            return 1 / (1 + exp(-4 * (x - center) / width))
        }
    }
}

