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
    public private(set) var lastSave: ContinuousClock.Instant?

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
        guard let lastSave else { return true }
        return now - lastSave >= interval
    }

    /// When the next save will be due, for a UI that sleeps until then; nil when nothing
    /// is unsaved.
    public var nextDue: ContinuousClock.Instant? {
        guard let unsavedSince else { return nil }
        guard let lastSave else { return unsavedSince }
        return max(unsavedSince, lastSave + interval)
    }

    /// The draft was saved at `now` (changes made after the save call `noteChange` again).
    public mutating func noteSaved(at now: ContinuousClock.Instant) {
        unsavedSince = nil
        lastSave = now
    }
}
