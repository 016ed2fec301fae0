import Foundation
import MedImaging
import Workstation

/// "Ask about the series" (key v in the image pane, or the palette): N slices of the
/// shown series in one question, the way Google's high-dimensional CT notebook asks
/// MedGemma (`SeriesQuestion`). Before anything is sent an overlay says which slices,
/// what they cost on this machine and whether they fit the context, and offers fewer
/// slices, more, or the configured remote backend.
extension WorkstationApp {
    /// The question sent when the input is empty.
    static func defaultSeriesQuestion(modality: String?) -> String {
        "These are slices of one \(modality ?? "imaging") series in order, each after its label. "
            + "Describe the findings and name the slices that show them."
    }

    func offerSeriesQuestion() {
        guard let stack = imagePane.viewer.stack, let item = imagePane.viewer.images[safe: imagePane.viewer.index] else {
            status.message = imagePane.viewer.isOpeningSeries ? "reading the series' slices…"
                : "not a series: a study image that names a folder of DICOM slices is one (or :load DIR)"
            return
        }
        guard model.backend.acceptsImages else {
            status.message = "\(model.backend.displayName) takes text only: start with --mmproj FILE to ask about a series"
            return
        }
        let typed = chatPane.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = typed.isEmpty ? Self.defaultSeriesQuestion(modality: stack.series.first.modality) : chatPane.editor.text
        let context = (model.backend as? LocalEngineBackend)?.contextSize
        let question = SeriesQuestion(path: item.path, series: stack.series,
                                      wanted: min(SliceSampling.notebookDefault, fittingSlices(context: context)))
        let pictures = question.isCT ? ImagePreparation.ctWindowsDescription + ", as Google's CT notebook sends slices"
            : imagePane.viewer.view.window.map { "window \(WindowPresets.label($0)), as shown" } ?? "as shown"
        overlay = .seriesQuestion(SeriesQuestionOffer(question: question, text: text, pictures: pictures, contextSize: context,
                                                      preparation: prepare(question, item: item)))
    }

    /// Roughly how many slices fit what is left of the context after the reply's room,
    /// so the first offer is one that can be sent (the exact count follows the cost).
    private func fittingSlices(context: Int?) -> Int {
        guard let context, let encoder = model.imageEncoder else { return SliceSampling.notebookDefault }
        // Each slice: its image tokens, the four around them and a label of about a dozen.
        let perSlice = encoder.pipeline.encoder.config.tokensPerImage + 16
        let room = context - chatPane.session.settings.maxTokens - 1024
        return max(1, room / perSlice)
    }

    /// The chosen slices, each named by its own file, prepared off the UI thread: a CT
    /// through the three CT windows as the notebook sends it, anything else through the
    /// reader's window.
    private func prepare(_ question: SeriesQuestion, item: StudyImage) -> SlicePreparation {
        let window = imagePane.viewer.view.window
        return SlicePreparation(count: question.indices.count) {
            try question.attachments { index, image, frame in
                let file = item.slice(at: question.series.slices[index].header.path)
                let made = question.isCT ? try? ImagePreparation.ctWindowsAttachment(image, frame: frame, source: file.path, modelImageSize: nil)
                    : ModelPicture.attachment(image, window: window, frame: frame, source: file.path)
                guard let picture = made else {
                    throw SeriesQuestionFailure(message: "\(file.path): the slice cannot be made into a picture")
                }
                return picture
            }
        }
    }

    /// Called every loop turn while the offer is open: once the pictures are made, the
    /// cost they have here.
    func followSeriesOffer() {
        guard case .seriesQuestion(var offer) = overlay, offer.cost == nil, offer.failure == nil,
              let result = offer.preparation.result else { return }
        switch result {
        case .success(let pictures):
            if let local = model.backend as? LocalEngineBackend, let encoder = model.imageEncoder {
                let text = ([offer.text] + pictures.compactMap(\.label)).joined(separator: "\n")
                let tokens = local.engine.tokenizer.encode(text, addBOS: false, parseSpecial: false).count
                let cost = encoder.cost(of: pictures, textTokens: tokens)
                offer.cost = (cost.summary, cost.prefillTokens)
            } else {
                // A server encodes the pictures and holds its own context: nothing to count here.
                offer.cost = ("\(pictures.count) pictures, encoded by \(model.backend.displayName)", 0)
            }
        case .failure(let error):
            offer.failure = TerminalSanitizer.singleLine.sanitize("\(error)")
        }
        overlay = .seriesQuestion(offer)
        invalidate(.frame)
    }

    /// A key while the offer is open.
    func handleSeriesOffer(_ key: Key, offer: SeriesQuestionOffer) {
        var offer = offer
        switch key {
        case .escape, .control("c"), .character("n"):
            closeOverlay()
            status.message = "series question not sent"
        case .character("-"), .character("+"), .character("="):
            let wanted = offer.stepped(fewer: key == .character("-"))
            guard wanted != offer.wanted, let item = imagePane.viewer.images[safe: imagePane.viewer.index] else { return }
            offer.question = offer.question.choosing(wanted)
            offer.preparation = prepare(offer.question, item: item)
            offer.cost = nil
            offer.failure = nil
            overlay = .seriesQuestion(offer)
        case .enter, .character("y"):
            sendSeriesQuestion(offer, remote: false)
        case .character("r") where model.remote != nil && model.imageEncoder != nil:
            sendSeriesQuestion(offer, remote: true)
        default:
            break
        }
    }

    private func sendSeriesQuestion(_ offer: SeriesQuestionOffer, remote: Bool) {
        guard let result = offer.preparation.result else {
            status.message = "still preparing the slices…"
            return
        }
        guard case .success(let pictures) = result else {
            status.message = "the slices could not be prepared: " + (offer.failure ?? "")
            return
        }
        guard remote || offer.fits else {
            status.message = "too many slices for the context: press - for fewer" + (model.remote == nil ? "" : ", or r for the remote backend")
            return
        }
        closeOverlay()
        let typed = !chatPane.editor.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        if remote, let server = model.remote {
            guard model.loading == nil else {
                status.message = "a model is already loading"
                return
            }
            if typed { _ = chatPane.editor.submit() }
            model.pendingQuestion = (offer.text, pictures)
            let load = ModelLoad(path: server.name)
            model.loading = load
            DispatchQueue.global(qos: .userInitiated).async { load.finish(Result { try server.connect() }) }
            status.message = "connecting to \(server.name) to ask about \(pictures.count) slices…"
            return
        }
        do {
            try chatPane.session.send(offer.text, images: pictures)
        } catch {
            status.message = error.description
            return
        }
        if typed { _ = chatPane.editor.submit() }
        chatPane.transcript.perform(.scrollToBottom)
        status.message = "asking about \(pictures.count) slices of \(offer.question.series.slices.count)" + (offer.cost.map { " · \($0.summary)" } ?? "")
    }
}

/// A slice that could not be made into the model's picture.
struct SeriesQuestionFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
