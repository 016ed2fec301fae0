import Glibc

/// Turns a SIGBUS in a mapped file — a model truncated or replaced while in use — into one
/// line naming the file and exit status 74, instead of a crash.
///
/// Reading a mapped page that no longer has a file behind it raises SIGBUS; nothing can be
/// read from that mapping again, so the only honest end is to stop, saying why (drafts are
/// autosaved; the workstation offers them on the next start). Mapped regions are registered
/// with their path (GGUF's `MappedFile`, safetensors' `FileMapping`); the handler compares
/// the faulting address with them using only preallocated memory and `write`, as a signal
/// handler must. A SIGBUS elsewhere goes to the handler that was there before.
public enum MappedFileFaults {
    /// Registered regions at most at once (models, mmproj, adapters).
    static let capacity = 64
    private static let messageLength = 1024

    private static let table: Table = {
        let t = Table(capacity: capacity, messageLength: messageLength)
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = { _, info, _ in
            MappedFileFaults.handle(UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr))
        }
        action.sa_flags = SA_SIGINFO
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, t.previous)
        return t
    }()

    /// Preallocated, never freed: the handler reads it without locks (a slot is filled before
    /// its end address is published, and cleared end-first).
    private final class Table: @unchecked Sendable {
        let starts: UnsafeMutablePointer<UInt>
        let ends: UnsafeMutablePointer<UInt>
        let messages: UnsafeMutablePointer<CChar>
        let lengths: UnsafeMutablePointer<Int>
        let messageLength: Int
        /// The handler before ours (the Swift runtime's backtracer, or the default), for a
        /// SIGBUS that is not in a registered file.
        let previous: UnsafeMutablePointer<sigaction>
        var lock = pthread_mutex_t()

        init(capacity: Int, messageLength: Int) {
            starts = .allocate(capacity: capacity)
            starts.initialize(repeating: 0, count: capacity)
            ends = .allocate(capacity: capacity)
            ends.initialize(repeating: 0, count: capacity)
            lengths = .allocate(capacity: capacity)
            lengths.initialize(repeating: 0, count: capacity)
            messages = .allocate(capacity: capacity * messageLength)
            messages.initialize(repeating: 0, count: capacity * messageLength)
            self.messageLength = messageLength
            previous = .allocate(capacity: 1)
            previous.initialize(to: sigaction())
            pthread_mutex_init(&lock, nil)
        }
    }

    /// Watches `[base, base + length)` of the file at `path`; returns the slot to give back
    /// to `unregister` (nil when every slot is taken: that region is then not watched).
    public static func register(_ base: UnsafeRawPointer, length: Int, path: String) -> Int? {
        let t = table
        pthread_mutex_lock(&t.lock)
        defer { pthread_mutex_unlock(&t.lock) }
        guard let slot = (0..<capacity).first(where: { t.ends[$0] == 0 }) else { return nil }
        let text = "medgemma: " + OneLine.clean(path, limit: 400)
            + ": the file was truncated or replaced while in use (SIGBUS); nothing more can be read from it — start again to load it afresh\n"
        let bytes = Array(text.utf8.prefix(t.messageLength))
        let message = t.messages + slot * t.messageLength
        for (i, b) in bytes.enumerated() { message[i] = CChar(bitPattern: b) }
        t.lengths[slot] = bytes.count
        t.starts[slot] = UInt(bitPattern: base)
        t.ends[slot] = UInt(bitPattern: base) + UInt(length)
        return slot
    }

    public static func unregister(_ slot: Int?) {
        guard let slot else { return }
        let t = table
        pthread_mutex_lock(&t.lock)
        t.ends[slot] = 0
        t.starts[slot] = 0
        pthread_mutex_unlock(&t.lock)
    }

    /// The signal handler's work: async-signal-safe calls only.
    private static func handle(_ address: UInt) {
        let t = table
        for slot in 0..<capacity {
            let end = t.ends[slot]
            if end != 0 && t.starts[slot] <= address && address < end {
                _ = write(2, t.messages + slot * t.messageLength, t.lengths[slot])
                _exit(74)
            }
        }
        sigaction(SIGBUS, t.previous, nil)
        raise(SIGBUS)
    }
}
