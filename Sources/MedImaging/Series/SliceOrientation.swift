/// The plane a slice lies in, named from its direction cosines (Image Orientation
/// (Patient), 0020,0037), as a reader would say it.
///
/// The slice normal is row direction × column direction; the plane is named after the
/// patient axis the normal is closest to — x (left–right): sagittal, y (front–back):
/// coronal, z (head–foot): axial — when it lies within 10° of it, and "oblique" otherwise
/// (a tilted gantry or an angled MR plane, where a pure name would mislead).
public enum SliceOrientation: String, Sendable, Equatable {
    case axial
    case coronal
    case sagittal
    case oblique

    /// cos 10°: how close the normal must be to an axis to take its name.
    static let namedThreshold = 0.984_807_753

    /// nil when the six values are not two usable directions.
    public init?(orientation: [Double]) {
        guard let normal = Self.normal(of: orientation) else { return nil }
        let components = normal.map(abs)
        let largest = components.max() ?? 0
        guard largest >= Self.namedThreshold, let axis = components.firstIndex(of: largest) else {
            self = .oblique
            return
        }
        self = [.sagittal, .coronal, .axial][axis]
    }

    /// The unit slice normal (row × column direction); nil when there are not six finite
    /// values or the two directions are (nearly) parallel.
    static func normal(of orientation: [Double]) -> [Double]? {
        guard orientation.count == 6, orientation.allSatisfy(\.isFinite) else { return nil }
        let r = Array(orientation[0..<3]), c = Array(orientation[3..<6])
        let n = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]]
        let length = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).squareRoot()
        guard length > 1e-6 else { return nil }
        return n.map { $0 / length }
    }
}
