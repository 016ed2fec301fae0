import Workstation

/// The `o` overlay: every study of the library, filtered as the user types
/// (`StudyLibrary.filter`), with the highlighted one opened by Enter. Broken studies
/// are listed with their error so the user sees why they cannot be opened.
public struct StudyBrowser: Sendable {
    public let library: StudyLibrary
    /// The query and the studies matching it, in library order, one highlighted.
    public var list: FilteredList<Study>

    public init(library: StudyLibrary) {
        self.library = library
        list = FilteredList { library.filter(query: $0) }
    }

    /// One list row: modalities, title and image count, or the error of a broken study.
    public static func row(_ study: Study) -> String {
        let clean = TerminalSanitizer.singleLine
        if let error = study.error {
            return "⚠ " + clean.sanitize(study.folderName) + " — " + clean.sanitize(error.description)
        }
        var modalities: [String] = []
        for image in study.images where !modalities.contains(image.image.modality) {
            modalities.append(image.image.modality)
        }
        let count = study.images.count == 1 ? "1 image" : "\(study.images.count) images"
        var text = clean.sanitize(modalities.joined(separator: "/")).padding(to: 4) + " "
            + clean.sanitize(study.title) + "  (\(count))"
        if let problem = study.problems.first { text += " ⚠ " + clean.sanitize(problem) }
        return text
    }
}

private extension String {
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self)))
    }
}
