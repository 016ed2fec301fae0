import Gemma
import TUI

/// Runs one engine request for a command: streams the text to standard output (unless
/// `quiet`), turns Ctrl-C into a cancel, waits, and returns what was generated.
struct StreamedReply {
    var ids: [Int32] = []
    var text = ""
    var stats: GenerationStats?

    static func run(quiet: Bool = false, _ start: (@escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle) throws -> StreamedReply {
        final class Box: @unchecked Sendable {
            var reply = StreamedReply()
            var failure: String?
        }
        let box = Box()
        let handle = start { event in
            switch event {
            case .token(let t):
                if t.id >= 0 { box.reply.ids.append(t.id) }
                box.reply.text += t.text
                if !quiet { Console.out(TerminalSanitizer.multiLine.sanitize(t.text)) }
            case .finished(let s): box.reply.stats = s
            case .failed(let message): box.failure = message
            case .progress: break
            }
        }
        let interrupt = InterruptWatcher { handle.cancel() }
        handle.wait()
        interrupt.stop()
        if let failure = box.failure { throw CommandFailure(failure) }
        return box.reply
    }
}
