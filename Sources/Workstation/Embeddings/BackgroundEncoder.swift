import Foundation

/// Encodes the images of an open study ahead of time, one at a time on a low-priority
/// serial queue, so the first question about an image does not wait for the encoder.
///
/// - Work the user asked for comes first: while `pause()` is held (the provider holds it
///   while a reply's images are being encoded; the TUI may hold it while a reply
///   generates) no new image is started. The SigLIP tower cannot be interrupted inside an
///   image, so an image already started finishes first.
/// - Progress is a thread-safe snapshot (`state`) plus `onChange`, called in order on a
///   private serial queue (never under the encoder's lock), for the status bar.
/// - `cancelPending()` drops what has not started (another study was opened).
///
/// The encoding itself is `work`, so this type knows nothing of caches or pipelines.
public final class BackgroundEncoder: @unchecked Sendable {
    /// Encodes one image, reporting the done fraction of that image (0…1).
    public typealias Work = @Sendable (ImageAttachment, _ progress: @escaping (Double) -> Void) throws -> Void

    private struct Item {
        let label: String
        let image: ImageAttachment
    }

    private let work: Work
    private let queue: DispatchQueue
    private let notifications = DispatchQueue(label: "medgemma.background-encoder.notify")
    private let condition = NSCondition()
    private var pending: [Item] = []
    private var current: Item?
    private var currentFraction = 0.0
    private var done = 0
    private var total = 0
    private var pauses = 0
    private var running = false
    private var failures: [String] = []
    private var snapshot: BackgroundEncodingState = .idle
    private var changeHandler: (@Sendable (BackgroundEncodingState) -> Void)?

    /// `qos`: below anything the user waits for (`.utility`; `.background` for less).
    public init(qos: DispatchQoS = .utility, work: @escaping Work) {
        self.work = work
        queue = DispatchQueue(label: "medgemma.background-encoder", qos: qos)
    }

    /// What is happening now.
    public var state: BackgroundEncodingState { condition.withLock { snapshot } }

    /// Called with each new state, in order, on a private serial queue (hop to the UI's
    /// own thread from there). Setting it does not replay the current state.
    public var onChange: (@Sendable (BackgroundEncodingState) -> Void)? {
        get { condition.withLock { changeHandler } }
        set { condition.withLock { changeHandler = newValue } }
    }

    /// The picture key of the image being encoded now, if any.
    public var encodingKey: String? { condition.withLock { current?.image.key } }

    /// Queues `images` after those already queued, skipping any already queued or being
    /// encoded. `labels` name them in the status bar ("cxr-01 frontal"); by default the
    /// last component of each attachment's source.
    public func prefetch(_ images: [ImageAttachment], labels: [String]? = nil) {
        condition.lock()
        defer { condition.unlock() }
        var added = 0
        for (i, image) in images.enumerated() {
            guard current?.image.key != image.key, !pending.contains(where: { $0.image.key == image.key }) else { continue }
            let label = labels.flatMap { i < $0.count ? $0[i] : nil } ?? (image.source as NSString).lastPathComponent
            pending.append(Item(label: label, image: image))
            added += 1
        }
        guard added > 0 else { return }
        if !running { failures = [] }
        total += added
        if let current {
            publish(encodingState(next: current, fraction: currentFraction))
        } else {
            publish(pauses > 0 ? pausedState() : encodingState(next: pending[0], fraction: 0))
        }
        guard !running else { return }
        running = true
        queue.async { self.drain() }
    }

    /// Forgets the images not yet started; the one being encoded finishes (and is cached).
    public func cancelPending() {
        condition.lock()
        defer { condition.unlock() }
        total -= pending.count
        pending = []
        if !running { done = 0; total = 0 }
        if let current { publish(encodingState(next: current, fraction: currentFraction)) }
        condition.broadcast()
    }

    /// Holds background work back (counted: every `pause()` needs its `resume()`).
    public func pause() {
        condition.lock()
        defer { condition.unlock() }
        pauses += 1
        if running, current == nil, !pending.isEmpty { publish(pausedState()) }
    }

    public func resume() {
        condition.lock()
        defer { condition.unlock() }
        precondition(pauses > 0, "resume() without pause()")
        pauses -= 1
        condition.broadcast()
    }

    /// Blocks until nothing is queued or running and every `onChange` of that work has
    /// been delivered (the last one `.idle` or `.failed`), or `timeout` passes; false on
    /// timeout. Not from inside `onChange`.
    @discardableResult
    public func waitUntilIdle(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        let idle = condition.withLock {
            while running {
                if !condition.wait(until: deadline) { return !running }
            }
            return true
        }
        guard idle else { return false }
        // The notifications are queued in order, under the lock, before `running` clears:
        // one more behind them arrives after the last of them.
        let delivered = DispatchSemaphore(value: 0)
        notifications.async { delivered.signal() }
        return delivered.wait(timeout: .now() + max(0, deadline.timeIntervalSinceNow)) == .success
    }

    /// The worker: on `queue`, until the list is empty.
    private func drain() {
        condition.lock()
        while true {
            if pauses > 0, !pending.isEmpty {
                publish(pausedState())
                while pauses > 0, !pending.isEmpty { condition.wait() }
            }
            guard !pending.isEmpty else { break }
            let item = pending.removeFirst()
            current = item
            currentFraction = 0
            publish(encodingState(next: item, fraction: 0))
            condition.unlock()

            var failure: String?
            do {
                try work(item.image) { [weak self] fraction in self?.progress(fraction, of: item) }
            } catch {
                failure = "\(item.label): \(error)"
            }

            condition.lock()
            current = nil
            done += 1
            if let failure { failures.append(failure) }
        }
        running = false
        done = 0
        total = 0
        publish(failures.isEmpty ? .idle : .failed(message: failures.joined(separator: "; ")))
        condition.broadcast()
        condition.unlock()
    }

    private func progress(_ fraction: Double, of item: Item) {
        condition.lock()
        defer { condition.unlock() }
        guard current?.image.key == item.image.key else { return }
        currentFraction = min(max(fraction, 0), 1)
        publish(encodingState(next: item, fraction: currentFraction))
    }

    /// With the lock held: image `done + 1` of `total`, `fraction` of it done.
    private func encodingState(next item: Item, fraction: Double) -> BackgroundEncodingState {
        .encoding(index: done + 1, total: total, label: item.label,
                  fraction: total > 0 ? (Double(done) + fraction) / Double(total) : 0)
    }

    private func pausedState() -> BackgroundEncodingState {
        .paused(index: done + 1, total: total, label: pending.first?.label ?? "")
    }

    /// With the lock held: records `state` and queues the notification (in order).
    private func publish(_ state: BackgroundEncodingState) {
        guard state != snapshot else { return }
        snapshot = state
        if let handler = changeHandler { notifications.async { handler(state) } }
    }
}
