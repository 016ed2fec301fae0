import Gemma
import TUI

/// Runs one backend request for a command: streams the text to standard output (unless
/// `quiet`), shows progress lines on a terminal's standard error, turns Ctrl-C into a
/// cancel, waits, and returns what was generated.
struct StreamedReply {
    var ids: [Int32] = []
    var text = ""
    var stats: GenerationStats?

    static func run(quiet: Bool = false, _ start: (@escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle) throws -> StreamedReply {
        final class Box: @unchecked Sendable {
            var reply = StreamedReply()
            var failure: String?
            /// A progress line stands on standard error, to be cleared by what follows.
            var progressShown = false
        }
        let box = Box()
        let showProgress = !quiet && Console.errIsTerminal
        let handle = start { event in
            if box.progressShown {
                if case .progress = event {} else {
                    Console.err("\u{1B}[2K")
                    box.progressShown = false
                }
            }
            switch event {
            case .token(let t):
                if t.id >= 0 { box.reply.ids.append(t.id) }
                box.reply.text += t.text
                if !quiet { Console.out(TerminalSanitizer.multiLine.sanitize(t.text)) }
            case .finished(let s): box.reply.stats = s
            case .failed(let message): box.failure = message
            case .progress(let line):
                // "encoding image…", "prefill 812 tokens", "waiting for http://…": at a
                // terminal only, redrawn in place, never into a log.
                if showProgress {
                    Console.err("\u{1B}[2K" + TerminalSanitizer.singleLine.sanitize(line) + "\r")
                    box.progressShown = true
                }
            }
        }
        let interrupt = InterruptWatcher { handle.cancel() }
        handle.wait()
        interrupt.stop()
        if let failure = box.failure {
            // A reply cut off mid-stream keeps what arrived; the message starts on its own line.
            if !quiet && !box.reply.text.isEmpty { Console.out("\n") }
            throw CommandFailure(failure)
        }
        return box.reply
    }
}
