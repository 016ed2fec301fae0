import MedImaging
import Workstation

/// The case pane: the study that is open and the library it was chosen from, with the
/// study browser's previews of other studies. Kept together because opening a study
/// replaces what every other pane shows, and the browser lists this library.
struct CasePaneState {
    /// The study folder's studies; nil when none could be read.
    let library: StudyLibrary?
    /// The study being read and discussed; nil before one is opened.
    var study: Study?
    /// ASCII previews of studies' first images for the browser, by study and size.
    private var browserPreviews: [String: [String]] = [:]

    init(library: StudyLibrary?) {
        self.library = library
    }

    /// The first image of a study as an ASCII picture, for the browser (cached per study).
    mutating func preview(of chosen: Study, columns: Int, rows: Int) -> [String] {
        let key = "\(chosen.path)|\(columns)x\(rows)"
        if let cached = browserPreviews[key] { return cached }
        var lines: [String] = []
        if let item = chosen.images.first(where: { $0.problem == nil }), let (image, frame, _) = try? item.loadFirstPicture() {
            var view = ImageView(window: ImageViewer.initialWindow(image, item: item))
            view.frame = frame
            lines = ImagePreview.render(image, view: view, columns: columns, rows: rows, style: .ascii).lines
        } else {
            lines = ["(no image to show)"]
        }
        if browserPreviews.count > 64 { browserPreviews.removeAll() }
        browserPreviews[key] = lines
        return lines
    }
}
