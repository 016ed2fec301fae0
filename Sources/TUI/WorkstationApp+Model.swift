import Foundation
import Workstation

/// The model behind the panes: switching to another file, and keeping the in-process
/// engine's background image encoding out of the way of the user's work.
extension WorkstationApp {
    /// `:model FILE`: loads another model in the background; the chat moves to it when it
    /// is ready (the transcript stays; the next reply re-reads it with the new model).
    func switchModel(to path: String) {
        guard let loadBackend = model.loadBackend else {
            status.message = "\(Action.switchModel.title): \(Self.notAvailable) with this backend"
            return
        }
        guard model.loading == nil else {
            status.message = "a model is already loading"
            return
        }
        let load = ModelLoad(path: path)
        model.loading = load
        DispatchQueue.global(qos: .userInitiated).async {
            load.finish(Result { try loadBackend(path) })
        }
    }

    /// `:model` with no file: the models on this machine, each with its memory estimate.
    func openModelPicker() {
        guard model.loadBackend != nil, let choices = model.modelChoices else {
            status.message = "\(Action.switchModel.title): \(Self.notAvailable) with this backend"
            return
        }
        let found = choices()
        guard !found.isEmpty else {
            status.message = "no models found ('medgemma models' lists where they are looked for): :model FILE loads a file"
            return
        }
        overlay = .models(ModelPicker(choices: found))
    }

    /// The picker's choice of a model not downloaded yet: pulled in the background with its
    /// progress in the status bar (Esc stops it, keeping what arrived), then loaded.
    func pullModel(named name: String) {
        guard let pull = model.pullModel else { return }
        guard model.pulling == nil, model.loading == nil else {
            status.message = "a model is already being downloaded or loaded"
            return
        }
        let job = ModelPullJob(name: name)
        model.pulling = job
        status.message = "pulling · Esc stops · \(name)…"
        DispatchQueue.global(qos: .utility).async { job.finish(Result { try pull(name, job) }) }
    }

    /// Called every loop turn while a pull runs: its progress, then the model it brought.
    func followPull() {
        guard let job = model.pulling else { return }
        guard let result = job.result else {
            // "Esc stops" first: the progress line's end may be cut off by the screen's width.
            let line = "pulling · Esc stops · " + (job.progress.map { TerminalSanitizer.singleLine.sanitize($0) } ?? job.name + "…")
            if status.message != line {
                status.message = line
                invalidate(.frame)
            }
            return
        }
        model.pulling = nil
        invalidate(.frame)
        switch result {
        case .success(let path):
            switchModel(to: path)
            status.message = "\(job.name) pulled; loading it…"
        case .failure(let error):
            status.message = TerminalSanitizer.singleLine.sanitize("\(job.name): \(error)")
        }
    }

    /// Called every loop turn: adopts a model that finished loading.
    func adoptLoadedModel() {
        guard let load = model.loading, let result = load.result else { return }
        model.loading = nil
        invalidate(.frame)
        switch result {
        case .success(let newBackend):
            let entries = chatPane.session.snapshot().entries
            let settings = chatPane.session.settings
            chatPane.session.cancel()
            chatPane.session.waitUntilIdle()
            report.session?.cancel()
            report.session?.waitUntilIdle()
            // The old backend's image encoder is let go as it was found.
            if model.backgroundPaused { model.imageEncoder?.background.resume() }
            model.backgroundPaused = false
            model.adopt(newBackend, loadedFrom: newBackend is LocalEngineBackend ? load.path : nil)
            report.session = nil
            chatPane.session = ChatSession(backend: newBackend, settings: settings)
            try? chatPane.session.restore(entries)
            prepareChat()
            chatPane.shownRevision = -1
            status.message = "now using \(newBackend.displayName)"
            if let pending = model.pendingQuestion {
                model.pendingQuestion = nil
                do {
                    try chatPane.session.send(pending.text, images: pending.images)
                    chatPane.transcript.perform(.scrollToBottom)
                    status.message = "asking about \(pending.images.count) slices on the server · now using \(newBackend.displayName)"
                } catch {
                    status.message = error.description
                }
            }
        case .failure(let error):
            model.pendingQuestion = nil
            // Errors from the model's reader already name the file.
            let text = "\(error)"
            status.message = TerminalSanitizer.singleLine.sanitize(text.hasPrefix(load.path) ? text : "\(load.path): \(text)")
        }
    }

    /// Starts encoding the study's images in the background (below anything the user
    /// asks for), so the first question about an image does not wait for the encoder;
    /// the previous study's pending work is dropped. Pictures are prepared off the UI thread.
    func prefetchImages(of chosen: Study) {
        guard let encoder = model.imageEncoder else { return }
        encoder.background.cancelPending()
        let items = chosen.images
        DispatchQueue.global(qos: .utility).async {
            var attachments: [ImageAttachment] = [], labels: [String] = []
            for item in items {
                guard let attachment = ModelPicture.initialAttachment(item) else { continue }
                attachments.append(attachment)
                labels.append(item.image.file)
            }
            encoder.background.prefetch(attachments, labels: labels)
        }
    }

    /// How long the reader stays on a slice before it is encoded in the background: long
    /// enough that scrolling through a series queues nothing.
    static let sliceDwellNanoseconds: UInt64 = 1_000_000_000

    /// Called every loop turn: a series slice the reader has stayed on is encoded in the
    /// background (a study's opening encodes only each entry's first picture), so a
    /// question about it does not wait for the encoder.
    func prefetchShownSlice(now: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        guard let encoder = model.imageEncoder, let stack = imagePane.viewer.stack, let shown = imagePane.viewer.shownItem else { return }
        let view = imagePane.viewer.view
        let key = "\(shown.path)|\(String(describing: view.window))|\(view.frame)"
        guard let since = imagePane.sliceShownSince, since.key == key else {
            imagePane.sliceShownSince = (key, now)
            return
        }
        guard now - since.at >= Self.sliceDwellNanoseconds, !imagePane.prefetchedSlices.contains(key) else { return }
        imagePane.prefetchedSlices.insert(key)
        guard let attachment = imagePane.currentAttachment() else { return }
        encoder.background.prefetch([attachment], labels: [stack.position])
    }

    /// Holds background image encoding back while the chat or the report uses the engine
    /// (a reply, or the context being prepared): the user's work comes first. Checked every
    /// loop turn, and at once when such work starts.
    func holdBackgroundEncoding(_ chat: ChatSession.Snapshot) {
        guard let encoder = model.imageEncoder else { return }
        let busy = chat.isGenerating || chat.isPreparingContext || report.isGenerating
        guard busy != model.backgroundPaused else { return }
        busy ? encoder.background.pause() : encoder.background.resume()
        model.backgroundPaused = busy
    }
}
