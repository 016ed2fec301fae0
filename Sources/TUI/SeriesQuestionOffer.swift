import Support
import Workstation

/// What the workstation shows before a multi-slice question goes (issue 14): which
/// slices, what they cost on this machine, whether they fit the context, and the choices
/// — send, fewer or more slices, the remote backend, or not at all. A series question can
/// hold the CPU for minutes, so nothing is sent until the user says so.
struct SeriesQuestionOffer {
    /// The series and the slices chosen now.
    var question: SeriesQuestion
    /// The question text sent after the slices.
    let text: String
    /// How each slice is made into a picture, in words ("CT windows as R, G, B …").
    let pictures: String
    /// Tokens the context holds (in-process engine); nil when a server decides.
    let contextSize: Int?
    /// The pictures being made for the chosen slices.
    var preparation: SlicePreparation
    /// The cost line once the pictures are made (`ImageQuestionCost.summary`), with the
    /// prefill it needs; nil while they are being made or when a server encodes them.
    var cost: (summary: String, prefillTokens: Int)?
    /// Why the pictures could not be made.
    var failure: String?

    /// The most slices one question may show (as `ask --slices`).
    static let maxSlices = 256

    var wanted: Int { question.indices.count }

    /// Whether the question, as chosen now, fits the context (unknown: assumed to).
    var fits: Bool {
        guard let contextSize, let cost else { return true }
        return cost.prefillTokens < contextSize
    }

    /// The slice count after `-` (halved) or `+` (doubled), within 1 and the series' slices.
    func stepped(fewer: Bool) -> Int {
        let most = min(question.series.slices.count, Self.maxSlices)
        return fewer ? max(1, wanted / 2) : min(most, wanted * 2)
    }

    /// The overlay's lines, top to bottom.
    func lines(remote: String?, localEncoding: Bool) -> [String] {
        let shown = question.indices.map { String($0 + 1) }
        let list = shown.count > 12 ? shown.prefix(6).joined(separator: ", ") + ", …, " + shown.suffix(3).joined(separator: ", ")
            : shown.joined(separator: ", ")
        var lines = ["\(wanted) of the \(question.series.slices.count) slices, evenly spread: \(list)",
                     "Each slice: " + pictures,
                     "Question: " + OneLine.clean(text)]
        if let failure {
            lines.append("Cannot prepare the slices: " + failure)
        } else if let cost {
            lines.append("Cost here: " + cost.summary)
            if let contextSize {
                lines.append(fits ? "Fits the context of \(contextSize) tokens."
                             : "Does not fit the context of \(contextSize) tokens: press - for fewer slices.")
            }
        } else {
            lines.append(localEncoding ? "Preparing \(wanted) slices to measure the cost…" : "Preparing \(wanted) slices…")
        }
        lines.append("")
        var keys = "Enter sends · - fewer · + more"
        if localEncoding {
            keys += remote.map { " · r sends to \($0) instead" } ?? " · no remote backend configured ('backend' in ~/.config/medgemma/config)"
        }
        lines.append(keys + " · Esc cancels")
        return lines
    }
}
