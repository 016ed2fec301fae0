import MedImaging
import Support

/// The window/level presets `w` cycles through for one image.
///
/// The image's own window comes first (the DICOM file's, or the case's for a file that
/// carries none) so `0`/reset and the first `w` stop agree. CT adds the four windows a
/// radiologist reaches for (soft tissue, lung, bone, brain; in HU). Other images have no
/// standard windows in their units, so they get a high-contrast window over the middle
/// half of their own range instead.
public enum WindowPresets {
    public static let softTissue = VOIWindow(center: 40, width: 400, explanation: "soft tissue")
    public static let lung = VOIWindow(center: -600, width: 1500, explanation: "lung")
    public static let bone = VOIWindow(center: 480, width: 2500, explanation: "bone")
    public static let brain = VOIWindow(center: 40, width: 80, explanation: "brain")

    /// `own`: the image's default window; `isCT`: CT modality (values in HU).
    public static func presets(own: VOIWindow, isCT: Bool) -> [VOIWindow] {
        var own = own
        if own.explanation == nil { own.explanation = "file" }
        if isCT {
            // A named window equal to the image's own one would be a `w` press that does nothing.
            return [own] + [softTissue, lung, bone, brain].filter { $0.center != own.center || $0.width != own.width }
        }
        let contrast = VOIWindow(center: own.center, width: max(1, own.width / 2), explanation: "high contrast")
        return [own, contrast]
    }

    /// "W400 C40": the pane title's short form (whole numbers when they are whole).
    public static func label(_ window: VOIWindow) -> String {
        "W\(number(window.width)) C\(number(window.center))"
    }

    static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return Format.fixed(value, 1)
    }
}
