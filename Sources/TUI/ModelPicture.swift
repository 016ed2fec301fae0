import MedImaging
import VisionPreprocessing
import Workstation

/// The picture the model gets for an image, in one place, so the background encoder
/// (which prepares a study's images when it opens) and the message that finally carries
/// the image make the same pixels — the same key, and so the same cached embedding.
enum ModelPicture {
    /// The image windowed as the pane shows it, as RGB; display filters (invert,
    /// equalisation) are for the reader only. Nil when the picture cannot be made.
    static func attachment(_ image: MedicalImage, window: VOIWindow?, frame: Int, source: String) -> ImageAttachment? {
        guard let picture = try? ModelImageSource.rgb(image, mode: .windowed(window), frame: frame) else { return nil }
        // Described in the words report stamps use (the same wording `medgemma report` writes).
        return ImageAttachment(source: source, preparation: ImagePreparation.describe(image, window: window, modelImageSize: nil),
                               picture: picture)
    }

    /// A study image as it first opens in the pane (its own window, first frame; a series'
    /// first slice, named by its own file as the pane names it when it is sent).
    static func initialAttachment(_ item: StudyImage) -> ImageAttachment? {
        guard item.problem == nil, let (image, frame, shown) = try? item.loadFirstPicture() else { return nil }
        return attachment(image, window: ImageViewer.initialWindow(image, item: item), frame: frame, source: shown.path)
    }
}
