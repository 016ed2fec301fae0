import Glibc
import Dispatch

/// Turns Ctrl-C into a call (e.g. cancel the running generation) instead of killing the
/// process; a second Ctrl-C exits at once with status 130.
final class InterruptWatcher {
    private let source: DispatchSourceSignal
    private var count = 0

    init(_ onInterrupt: @escaping () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            count += 1
            // `_exit`: the generation is still running, and `exit` would free OpenBLAS's
            // buffers under it (see `MedgemmaCommand.main`).
            if count > 1 { fflush(nil); _exit(130) }
            onInterrupt()
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
