import Foundation
import Workstation

/// One turn of the event loop in `run`: a key, then what the engine and the files did
/// meanwhile, then a frame when one was asked for.
extension WorkstationApp {
    /// Waits up to `pollMilliseconds` for a key and handles it; returns when it came.
    /// Immediate failures, again and again, mean the terminal input is gone: the loop ends.
    func readKey(quickFailures: inout Int) -> UInt64? {
        let started = DispatchTime.now().uptimeNanoseconds
        if let key = terminal.getKey(timeoutMilliseconds: Self.pollMilliseconds) {
            let keyAt = DispatchTime.now().uptimeNanoseconds
            quickFailures = 0
            receive(key)
            invalidate(.frame)
            return keyAt
        }
        if DispatchTime.now().uptimeNanoseconds - started < 5_000_000 {
            quickFailures += 1
            if quickFailures > 200 { running = false }
        }
        return nil
    }

    /// What happened off the UI thread since the last turn: a model that finished
    /// loading, background encoding's progress, the streaming draft, the autosave and the
    /// transcript save. Returns the turn's one look at the chat (taken after the key,
    /// which may have changed it).
    func followBackgroundWork() -> ChatSession.Snapshot {
        if model.loading != nil { adoptLoadedModel() }
        followPull()
        followAdapterJob()
        if imagePane.viewer.adoptOpenedSeries() {
            invalidate([.frame, .image])
            // A series' gaps or duplicates must be seen before its slices are read as a volume.
            if let message = imagePane.viewer.notice ?? imagePane.viewer.loadError {
                status.message = message
            } else if status.message?.hasPrefix(Self.readingSeries) == true, let stack = imagePane.viewer.stack {
                status.message = "series of \(stack.count) slices · . and , step through them · v asks about them"
            }
        }
        followSeriesOffer()
        prefetchShownSlice()
        let chat = chatPane.session.snapshot()
        // Background encoding: progress in the status bar, held back while a reply is
        // being generated or the context prepared (the user's work comes first).
        if let encoder = model.imageEncoder {
            holdBackgroundEncoding(chat)
            if status.noteBackground(encoder.background.state.statusLine) { invalidate(.frame) }
        }
        if report.session != nil {
            let revision = report.session?.snapshot().revision ?? -1
            if revision != report.lastRevision {
                syncReport()
                invalidate(.frame)
            }
        }
        autosaveReport()
        if report.saveWhenReady, model.provenance.isReady {
            saveReport()
            invalidate(.frame)
        }
        saveTranscriptIfChanged(chat)
        return chat
    }

    /// Asks for `what` at the next frame: the one way anything requests a redraw.
    func invalidate(_ what: Redraw) {
        screen.redraw.request(what)
    }

    /// Draws the frame a turn asked for, timed for `MEDGEMMA_UI_TRACE`.
    func drawFrame(generating: Bool, keyAt: UInt64?) {
        let full = screen.redraw.pending.contains(.allCells)
        let drawStart = DispatchTime.now().uptimeNanoseconds
        draw()
        let end = DispatchTime.now().uptimeNanoseconds
        trace?.frame(drawNanoseconds: end - drawStart, full: full, generating: generating,
                     keyToFrameNanoseconds: keyAt.map { end - $0 })
    }
}
