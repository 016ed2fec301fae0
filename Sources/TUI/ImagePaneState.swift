import Foundation
import MedImaging
import Workstation

/// The image pane: the study's pictures and how they are drawn, what was last written
/// straight to the terminal, and whether the shown picture goes with the next message.
/// Kept apart from the chat because the picture changes with image keys, not with the
/// conversation, and the sixel bookkeeping must survive every frame.
struct ImagePaneState {
    var viewer = ImageViewer()
    /// Half blocks, ASCII or sixel; sixel is settled in `run` once the terminal was asked.
    var style: ImagePreview.Style
    /// The sixel last written and when; it is written again only when it changes, after
    /// something covered it, or every few seconds (a sixel is tens of kilobytes).
    var lastSixel: (text: String, row: Int, column: Int, at: UInt64)?
    /// Whether the shown image goes with the next message (when the backend takes images).
    var attachImages = true
    /// The series slice shown now (file, window, frame) and since when (uptime ns): a
    /// slice the reader stays on is encoded in the background (`prefetchShownSlice`).
    var sliceShownSince: (key: String, at: UInt64)?
    /// Slices already handed to the background encoder, so dwelling again costs nothing.
    var prefetchedSlices: Set<String> = []
    /// The last picture made for the model, by image and window: making one hashes every pixel.
    private var attachmentCache: (key: String, attachment: ImageAttachment)?

    init(style: ImagePreview.Style) {
        self.style = style
    }

    /// The picture the pane shows, windowed as shown (display filters such as invert and
    /// equalisation are for the reader only). Cached per image, slice and window; a series'
    /// slice is named by its own file, so the model and the stamps know which one it was.
    mutating func currentAttachment() -> ImageAttachment? {
        guard let image = viewer.image, let source = viewer.shownItem?.path else { return nil }
        let view = viewer.view
        let key = "\(viewer.index)|\(source)|\(String(describing: view.window))|\(view.frame)"
        if let cached = attachmentCache, cached.key == key { return cached.attachment }
        guard let attachment = ModelPicture.attachment(image, window: view.window, frame: view.frame, source: source) else { return nil }
        attachmentCache = (key, attachment)
        return attachment
    }
}
