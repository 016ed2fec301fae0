import Foundation
import Workstation

/// "Compare with prior" (key c in the image pane, or the palette): the shown case image
/// and the prior its `case.json` lists go to the model in one turn, dated
/// (`PriorComparison`), with the typed message as the question or, when the input is
/// empty, a standard comparison question.
extension WorkstationApp {
    func compareWithPrior() {
        guard let study = casePane.study, study.caseFile != nil else {
            status.message = "open a study first (o): a comparison needs a case that lists a prior"
            return
        }
        guard model.backend.acceptsImages else {
            status.message = "\(model.backend.displayName) takes text only: start with --mmproj FILE to compare images"
            return
        }
        let shown = imagePane.viewer.images.indices.contains(imagePane.viewer.index) ? imagePane.viewer.images[imagePane.viewer.index] : nil
        let number = shown.flatMap { study.images.firstIndex(of: $0) }.map { $0 + 1 }
        guard let comparison = number.flatMap({ PriorComparison(study: study, imageNumber: $0) }) ?? PriorComparison.first(in: study) else {
            status.message = "this study lists no prior image (case.json: \"prior\" on an image and the study's \"date\")"
            return
        }
        let images: [ImageAttachment]
        do {
            // The current picture is the one on screen: a series' shown slice, not its first.
            let viewer = imagePane.viewer
            let onScreen = viewer.stack != nil && comparison.current == shown
                ? viewer.image.flatMap { image in viewer.shownItem.map { (image, viewer.view.frame, $0) } } : nil
            images = try comparison.attachments(modelImageSize: model.imageEncoder?.pipeline.encoder.config.imageSize, shown: onScreen)
        } catch {
            status.message = TerminalSanitizer.singleLine.sanitize("\(error)")
            return
        }
        let typed = chatPane.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let question = typed.isEmpty ? PriorComparison.defaultQuestion : chatPane.editor.text
        let cost = costLine(images, question: question)
        do {
            try chatPane.session.send(question, images: images)
        } catch {
            status.message = error.description
            return
        }
        if !typed.isEmpty { _ = chatPane.editor.submit() }
        chatPane.transcript.perform(.scrollToBottom)
        status.message = "comparing image \(comparison.imageNumber) with its prior of \(comparison.priorDate)" + (cost.map { " · \($0)" } ?? "")
    }

    /// What the question costs here (`ImageQuestionCost`), nil when the images are encoded
    /// elsewhere (a remote backend).
    func costLine(_ images: [ImageAttachment], question: String) -> String? {
        guard let local = model.backend as? LocalEngineBackend, let encoder = model.imageEncoder else { return nil }
        let text = ([question] + images.compactMap(\.label)).joined(separator: "\n")
        let tokens = local.engine.tokenizer.encode(text, addBOS: false, parseSpecial: false).count
        return encoder.cost(of: images, textTokens: tokens).summary
    }
}
