import Workstation

/// How to bring a `TranscriptView` from the entries it shows to a new list of entries
/// with the least re-layout: while tokens stream only the last entry changes, so
/// only it is laid out again; anything else (clear, regenerate) rebuilds.
public enum TranscriptSync: Equatable, Sendable {
    /// Nothing changed.
    case none
    /// Append `new[from...]`.
    case append(from: Int)
    /// Replace the last shown entry with `new[shown.count - 1]`, then append the rest.
    case replaceLast
    /// Clear and append everything.
    case rebuild

    public static func plan(shown: [TranscriptEntry], new: [TranscriptEntry]) -> TranscriptSync {
        if shown == new { return .none }
        if new.count >= shown.count, Array(new.prefix(shown.count)) == shown { return .append(from: shown.count) }
        if !shown.isEmpty, new.count >= shown.count, Array(new.prefix(shown.count - 1)) == Array(shown.dropLast()) {
            return .replaceLast
        }
        return .rebuild
    }

    /// Applies the plan to `view`, which shows `shown`.
    public static func apply(shown: [TranscriptEntry], new: [TranscriptEntry], to view: inout TranscriptView) {
        switch plan(shown: shown, new: new) {
        case .none: return
        case .append(let from):
            for entry in new[from...] { view.append(entry) }
        case .replaceLast:
            let replacement = new[shown.count - 1]
            view.updateLast { $0 = replacement }
            for entry in new[shown.count...] { view.append(entry) }
        case .rebuild:
            view.clear()
            for entry in new { view.append(entry) }
        }
    }
}
