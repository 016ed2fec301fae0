/// When the report editor should autosave its draft: as soon as there is an unsaved
/// change, but at most once per `interval`, so typing (or tokens streaming in) costs one
/// small write every few seconds rather than one per key, and at most `interval` of work
/// is lost to a crash. On quit, save whenever `hasUnsavedChanges`, due or not.
///
/// A value type driven by the caller's clock (the TUI passes `ContinuousClock.now`;
/// tests pass instants they choose), so it is testable without waiting.
public struct AutosaveSchedule: Sendable, Equatable {
    public var interval: Duration
    /// When the oldest unsaved change was made; nil when everything is saved.
    public private(set) var unsavedSince: ContinuousClock.Instant?
    /// The last try, saved or failed: the next one waits `interval` after it.
    public private(set) var lastAttempt: ContinuousClock.Instant?
    /// The last try failed (a full disk, a folder made read-only) and nothing saved since:
    /// the draft exists only in memory, so leaving it must not be silent.
    public private(set) var isFailing = false

    public init(interval: Duration = .seconds(5)) {
        self.interval = interval
    }

    public var hasUnsavedChanges: Bool { unsavedSince != nil }

    /// The draft changed at `now`.
    public mutating func noteChange(at now: ContinuousClock.Instant) {
        if unsavedSince == nil { unsavedSince = now }
    }

    /// Whether to save now: there is an unsaved change and the last save is at least
    /// `interval` ago (or there was none).
    public func isDue(at now: ContinuousClock.Instant) -> Bool {
        guard unsavedSince != nil else { return false }
        guard let lastAttempt else { return true }
        return now - lastAttempt >= interval
    }

    /// When the next save will be due, for a UI that sleeps until then; nil when nothing
    /// is unsaved.
    public var nextDue: ContinuousClock.Instant? {
        guard let unsavedSince else { return nil }
        guard let lastAttempt else { return unsavedSince }
        return max(unsavedSince, lastAttempt + interval)
    }

    /// The draft was saved at `now` (changes made after the save call `noteChange` again).
    public mutating func noteSaved(at now: ContinuousClock.Instant) {
        unsavedSince = nil
        lastAttempt = now
        isFailing = false
    }

    /// A save at `now` failed: the change stays unsaved, and the next try waits `interval`
    /// (one write every few seconds, not one per loop turn, while the disk stays full).
    public mutating func noteFailure(at now: ContinuousClock.Instant) {
        lastAttempt = now
        isFailing = true
    }
}
