import Foundation
import MedImaging
import Workstation

/// The image pane's actions that concern the model: which picture goes with the next
/// message, turning that off, and showing a file from anywhere.
extension WorkstationApp {
    /// The shown image as the model would get it, when it should go with the next
    /// message: attaching is on, the backend takes images, and this picture (same pixels,
    /// same window) has not been sent in this chat yet — the conversation still holds it.
    func attachmentForNextMessage() -> [ImageAttachment] {
        guard imagePane.attachImages, model.backend.acceptsImages, let attachment = imagePane.currentAttachment() else { return [] }
        let sent = chatPane.session.snapshot().entries.contains { $0.images.contains(attachment) }
        return sent ? [] : [attachment]
    }

    func toggleAttachment() {
        guard model.backend.acceptsImages else {
            status.message = "\(model.backend.displayName) takes text only: start with --mmproj FILE to show it images"
            return
        }
        imagePane.attachImages.toggle()
        status.message = imagePane.attachImages ? "the shown image goes with your next message" : "messages are sent without the image"
    }

    /// What the status bar says while `:load DIR` reads a series (replaced when it is read).
    static let readingSeries = "reading the series"

    /// `:load FILE`: shows an image file from anywhere (PNG, JPEG, DICOM) after the study's;
    /// `:load DIR` a folder of DICOM slices as a series (read off the UI thread).
    func loadImage(_ path: String) {
        let url = URL(fileURLWithPath: path)
        let name = TerminalSanitizer.singleLine.sanitize(url.lastPathComponent)
        if DICOMSeriesFolder.isFolder(path) {
            let status = StudyImage.checkSeries(url.resolvingSymlinksInPath().path, root: url.resolvingSymlinksInPath().path)
            let item = StudyImage(image: CaseImage(file: url.lastPathComponent, modality: "series", view: "",
                                                   description: "loaded from \(path)"),
                                  path: path, url: url, status: status)
            imagePane.viewer.append(item)
            self.status.message = imagePane.viewer.loadError ?? "\(Self.readingSeries) in \(name)…"
            return
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue, attributes?[.type] as? FileAttributeType == .typeRegular else {
            status.message = "\(TerminalSanitizer.singleLine.sanitize(path)): no such file or folder"
            return
        }
        let item = StudyImage(image: CaseImage(file: url.lastPathComponent, modality: "image", view: "",
                                               description: "loaded from \(path)"),
                              path: path, url: url, status: .present(bytes: size))
        imagePane.viewer.append(item)
        status.message = imagePane.viewer.loadError ?? "showing \(name)"
    }
}
