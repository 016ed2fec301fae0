/// Which transcript rows are on screen, and how that changes as rows arrive.
///
/// At the bottom it follows: new rows scroll into view as tokens stream in. Once the
/// user scrolls up it stays put — the top row stays the same row while the reply
/// grows below — and counts the rows that arrived since ("12 new lines below").
/// Scrolling back to the bottom (End, PgDn past the end) follows again.
///
/// Rows are addressed by index into `TranscriptLayout.lines`; streaming only changes
/// rows of the last entry, so the rows above keep their index.
public struct TranscriptViewport: Equatable, Sendable {
    /// Index of the first visible row.
    public private(set) var top = 0
    /// Visible rows.
    public private(set) var height: Int
    /// Rows in the transcript.
    public private(set) var lineCount = 0
    /// Whether new rows are followed (the view is pinned to the bottom).
    public private(set) var isFollowing = true
    /// Rows added below since the user scrolled away from the bottom.
    public private(set) var newLinesBelow = 0
    /// Rows moved by one scroll-line action (arrow key, wheel notch).
    public var lineStep = 1

    public init(height: Int) {
        self.height = max(1, height)
    }

    /// The rows to draw: `lines[visibleRange]`.
    public var visibleRange: Range<Int> { top..<min(lineCount, top + height) }
    /// Rows below the view (whether new or not).
    public var linesBelow: Int { max(0, lineCount - top - height) }
    /// The indicator text, nil when there is nothing new below.
    public var newLinesIndicator: String? {
        guard !isFollowing, newLinesBelow > 0 else { return nil }
        return newLinesBelow == 1 ? "1 new line below" : "\(newLinesBelow) new lines below"
    }

    private var bottomTop: Int { max(0, lineCount - height) }

    /// Call after the layout changed (rows appended, last entry re-laid, cleared).
    public mutating func contentChanged(lineCount newCount: Int) {
        if !isFollowing, newCount > lineCount { newLinesBelow += newCount - lineCount }
        lineCount = max(0, newCount)
        if isFollowing {
            top = bottomTop
        } else {
            top = min(top, bottomTop)
            if top == bottomTop { follow() }
        }
    }

    /// The pane got a new height; following stays at the bottom, otherwise the top row
    /// is kept.
    public mutating func resize(height newHeight: Int) {
        height = max(1, newHeight)
        contentChanged(lineCount: lineCount)
    }

    /// Scrolls by `delta` rows (negative is up), clamped to the content.
    public mutating func scroll(by delta: Int) {
        top = max(0, min(bottomTop, top + delta))
        if top == bottomTop {
            follow()
        } else {
            isFollowing = false
        }
    }

    /// Scrolls so that `line` is the top row (as far as the content allows).
    public mutating func scroll(toLine line: Int) { scroll(by: line - top) }

    public mutating func pageUp() { scroll(by: -max(1, height - 1)) }
    public mutating func pageDown() { scroll(by: max(1, height - 1)) }
    public mutating func scrollToTop() { scroll(by: -top) }
    public mutating func scrollToBottom() { scroll(by: bottomTop - top) }

    /// Carries out a scrolling action; false for any other action.
    @discardableResult
    public mutating func perform(_ action: Action) -> Bool {
        switch action {
        case .scrollUp: pageUp()
        case .scrollDown: pageDown()
        case .scrollLineUp: scroll(by: -lineStep)
        case .scrollLineDown: scroll(by: lineStep)
        case .scrollToTop: scrollToTop()
        case .scrollToBottom: scrollToBottom()
        default: return false
        }
        return true
    }

    private mutating func follow() {
        isFollowing = true
        newLinesBelow = 0
        top = bottomTop
    }
}
