import Workstation

/// The case pane's rows: the study title, the case summary wrapped to the pane, and
/// the image list with the shown image marked. Case text comes from a file someone
/// else wrote, so every line is sanitised before it can reach the terminal.
public enum CasePaneText {
    /// Marks the image on screen in the list.
    public static let currentMarker = "▶"

    public static func rows(study: Study?, currentImage: Int, width: Int) -> [[StyledSpan]] {
        let width = max(1, width)
        guard let study else {
            return [[StyledSpan("No study open. Press o to browse studies.", .note)]]
        }
        var rows: [[StyledSpan]] = []
        func add(_ text: String, _ style: SpanStyle = [], prefix: String = "") {
            let clean = TerminalSanitizer.singleLine.sanitize(text)
            let spans = [StyledSpan(clean, style)]
            let prefixSpans = prefix.isEmpty ? [] : [StyledSpan(prefix, style)]
            rows += TextWrapper.wrap(spans, width: width, prefix: prefixSpans)
        }
        // The summary starts with the (redacted) title; a broken case has only its folder name.
        let summary = study.context?.summaryLines ?? []
        add(summary.first ?? study.title, .heading)
        for line in summary.dropFirst() { add(line) }
        for problem in study.problems { add(problem, .warning, prefix: "⚠ ") }
        if !study.images.isEmpty {
            rows.append([])
            add("Images (n/p to switch in the image pane)", .note)
            for (index, image) in study.images.enumerated() {
                let marker = index == currentImage ? currentMarker + " " : "  "
                let text = "\(index + 1). \(image.image.modality) \(image.image.view)"
                add(text, index == currentImage ? .bold : [], prefix: marker)
            }
        }
        return rows
    }
}
