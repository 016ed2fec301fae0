import MedImaging

/// How a medical image becomes the 8-bit RGB picture the vision encoder is given, before
/// resizing and normalisation (ENGINE.md P1, issue 4):
///
/// * PNG/JPEG: the stored pixels (gray replicated, alpha composited onto white).
/// * DICOM: the modality LUT (rescale), then the VOI window — the one asked for, else the
///   file's first, else a sensible default — then MONOCHROME1 inversion; gray replicated.
/// * CT with `ctWindows`: three Hounsfield windows packed into R, G and B, the way
///   Google's MedGemma CT notebooks prepare a slice (`CTWindowPacker`).
public enum ModelImageSource {
    public enum Mode: Sendable, Equatable {
        /// Through a window (nil: the image's default window).
        case windowed(VOIWindow?)
        /// CT only: one Hounsfield window per colour channel.
        case ctWindows([HounsfieldWindow])
    }

    public static func rgb(_ image: MedicalImage, mode: Mode = .windowed(nil), frame: Int = 0) throws(PreprocessingError) -> RGBImage {
        switch mode {
        case .ctWindows(let windows):
            guard image.metadata.format == .dicom, image.channels == .gray, image.metadata.modality == "CT" else {
                throw .notCT(modality: image.metadata.modality)
            }
            return try CTWindowPacker.pack(hounsfield: image.modalityValues(frame: frame), width: image.width,
                                           height: image.height, windows: windows)
        case .windowed(let window):
            if image.metadata.format != .dicom && window == nil {
                // Stored pixels as they are (8-bit PNG/JPEG render unchanged anyway).
                return try RGBImage(image.render(view: ImageView(frame: frame), width: image.width, height: image.height))
            }
            let view = ImageView(frame: frame, window: window ?? image.defaultWindow(frame: frame))
            return try RGBImage(image.render(view: view, width: image.width, height: image.height))
        }
    }
}
