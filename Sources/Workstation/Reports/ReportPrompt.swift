/// The prompts that ask the model for a structured draft report.
///
/// The system instruction is the case context the chat uses (`CaseContext`), so the
/// report and the conversation see the same case. The user prompt repeats what the report
/// must answer — indication, question, comparison and prior report — and names the
/// attached image, then fixes the five headings so `ReportSections` can find them. It is
/// short (a 270M model follows a short instruction best) and deterministic: the same
/// case and image always give the same prompt, which the report's stamp records.
public enum ReportPrompt {
    public static func system(for caseFile: CaseFile) -> String {
        CaseContext(caseFile).systemInstruction
    }

    /// - Parameters:
    ///   - imageNumber: the case image the report is about, 1-based.
    ///   - imageAttached: whether its picture goes with the prompt (false for a text-only model).
    public static func user(for caseFile: CaseFile, imageNumber: Int, imageAttached: Bool) -> String {
        user(for: caseFile, imageNumbers: [imageNumber], imageAttached: imageAttached)
    }

    /// The prompt for a report about several case images at once (`report --image 1
    /// --image 2`): one line per image, in the order they are attached, each naming the
    /// label its picture carries (`label(for:imageNumber:)`). With one number it is
    /// exactly the one-image prompt.
    /// `slices`: for a case image that is a series, how many of its slices are attached
    /// (and of how many), so the prompt says the pictures are slices of one volume.
    public static func user(for caseFile: CaseFile, imageNumbers: [Int], imageAttached: Bool,
                            slices: [Int: (shown: Int, total: Int)] = [:]) -> String {
        let clean = { (text: String) in CaseContext.redact(text, id: caseFile.patient.id) }
        let headings = ReportSection.allCases.map { "## \($0.title)" }.joined(separator: ", ")
        var s = "Write a draft imaging report for this case with exactly five sections, each under its own "
            + "Markdown heading, in this order: \(headings).\n"
        s += "Indication: \(clean(caseFile.indication))\n"
        s += "Question: \(clean(caseFile.question))\n"
        if let comparison = caseFile.comparison { s += "Comparison: \(clean(comparison.description))\n" }
        if let prior = caseFile.priorReport { s += "Prior report: \(clean(prior))\n" }
        if caseFile.comparison == nil && caseFile.priorReport == nil { s += "Comparison: none available.\n" }
        s += imageLines(for: caseFile, numbers: imageNumbers, imageAttached: imageAttached, slices: slices)
        s += "Describe only what is shown or stated; do not invent measurements or prior studies. "
            + "The Impression answers the question in one to three short points."
        return s
    }

    /// The label line a case image's picture carries when a report shows several.
    public static func label(for caseFile: CaseFile, imageNumber: Int) -> String {
        let file = caseFile.images.indices.contains(imageNumber - 1) ? caseFile.images[imageNumber - 1].file : "?"
        return "Image \(imageNumber) (\(CaseContext.redact(file, id: caseFile.patient.id))):"
    }

    private static func imageLines(for caseFile: CaseFile, numbers: [Int], imageAttached: Bool,
                                   slices: [Int: (shown: Int, total: Int)]) -> String {
        let clean = { (text: String) in CaseContext.redact(text, id: caseFile.patient.id) }
        let count = caseFile.images.count
        let known = numbers.filter { caseFile.images.indices.contains($0 - 1) }
        func what(_ image: CaseImage) -> String { "\(clean(image.modalityName)), \(clean(image.view)): \(clean(image.description))" }
        // A series goes as several slices, each after its label: say so, or the model reads
        // them as separate images.
        func sliceNote(_ number: Int) -> String {
            guard imageAttached, let s = slices[number] else { return "" }
            return s.shown == 1 ? " (one slice of a series of \(s.total))"
                : " (a series: \(s.shown) of its \(s.total) slices, in order, each after its slice label)"
        }
        guard known.count > 1 else {
            guard let number = known.first else { return "" }
            let which = count > 1 ? "Image \(number) of \(count)" : "Image"
            let image = caseFile.images[number - 1]
            return imageAttached
                ? "\(which), attached\(sliceNote(number)): \(what(image))\n"
                : "\(which), not attached (write from the case text only and say in Findings that the image was not reviewed): \(what(image))\n"
        }
        var s = imageAttached
            ? "\(known.count) of the \(count) images, attached in this order, each after its label:\n"
            : "\(known.count) of the \(count) images, not attached (write from the case text only and say in Findings that the images were not reviewed):\n"
        for number in known {
            s += "\(label(for: caseFile, imageNumber: number))\(sliceNote(number)) \(what(caseFile.images[number - 1]))\n"
        }
        return s
    }
}
