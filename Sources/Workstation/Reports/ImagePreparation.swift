import MedImaging
import Support
import VisionPreprocessing

/// A study image made into the picture the model is shown, with the words that say how —
/// for `ImageAttachment.preparation`, which report stamps record.
///
/// The window is the case's (`case.json` `window`) when it gives one, else the file's
/// default (`ModelImageSource`): a report must be reproducible from the study folder alone.
public enum ImagePreparation {
    /// The picture of `image` (decoded from `studyImage`'s file; `frame` of a multi-frame
    /// file) for the model.
    /// - Parameter modelImageSize: the vision encoder's input side (896 for MedGemma), for
    ///   the description; nil when unknown (a remote backend resizes on its side).
    public static func attachment(for studyImage: StudyImage, image: MedicalImage, frame: Int = 0,
                                  modelImageSize: Int?) throws(PreprocessingError) -> ImageAttachment {
        let window = studyImage.image.window?.voiWindow
        let picture = try ModelImageSource.rgb(image, mode: .windowed(window), frame: frame)
        return ImageAttachment(source: studyImage.image.file,
                               preparation: describe(image, window: window, modelImageSize: modelImageSize),
                               picture: picture)
    }

    /// What the in-process encoder does to every picture, in words.
    public static func resizeDescription(_ size: Int) -> String {
        "resized to \(size)×\(size) (bilinear, antialiased) and normalised with the mmproj's mean/std"
    }

    /// How the three CT windows are described (`CTWindowPacker.medGemmaWindows`, as
    /// Google's CT notebooks send a slice).
    public static let ctWindowsDescription = "CT windows as R, G, B (−1024…1024, −135…215, 0…80 HU)"

    /// Frame `frame` of a CT through the three CT windows as R, G, B, as Google's CT
    /// notebooks send a slice (`ask --ct-windows`, a CT series question, `report --slices`).
    public static func ctWindowsAttachment(_ image: MedicalImage, frame: Int = 0, source: String,
                                           modelImageSize: Int?) throws(PreprocessingError) -> ImageAttachment {
        let picture = try ModelImageSource.rgb(image, mode: .ctWindows(CTWindowPacker.medGemmaWindows), frame: frame)
        let resize = modelImageSize.map { "; " + resizeDescription($0) } ?? ""
        return ImageAttachment(source: source, preparation: ctWindowsDescription + resize, picture: picture)
    }

    /// "window 400/40 (case preset); resized to 896×896 …" — what `ModelImageSource
    /// .rgb(image, mode: .windowed(window))` and the encoder do, in words.
    public static func describe(_ image: MedicalImage, window: VOIWindow?, modelImageSize: Int?) -> String {
        var steps: [String] = []
        if image.metadata.format != .dicom && window == nil {
            steps.append("stored pixels")
        } else {
            let w = window ?? image.defaultWindow()
            var text = "window \(Format.number(w.width))/\(Format.number(w.center))"
            if let why = w.explanation, !why.isEmpty { text += " (\(OneLine.clean(why)))" }
            steps.append(text)
            if image.metadata.photometric == .monochrome1 { steps.append("inverted (MONOCHROME1)") }
        }
        if image.channels == .gray { steps.append("gray copied to RGB") }
        if let size = modelImageSize {
            steps.append(resizeDescription(size))
        }
        return steps.joined(separator: "; ")
    }
}
