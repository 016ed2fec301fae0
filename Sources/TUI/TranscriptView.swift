import Workstation

/// The transcript pane's state: the layout and the viewport kept in step, so the pane
/// only forwards events and draws `visibleLines`.
///
/// On a width change the layout is redone; a view that was following stays at the
/// bottom, and one the user had scrolled keeps the same entry at the top (row
/// indices change when text re-wraps, entries do not).
public struct TranscriptView: Sendable {
    public private(set) var layout: TranscriptLayout
    public private(set) var viewport: TranscriptViewport

    public init(width: Int, height: Int, userLabel: String = "You", modelLabel: String = "MedGemma") {
        layout = TranscriptLayout(width: width, userLabel: userLabel, modelLabel: modelLabel)
        viewport = TranscriptViewport(height: height)
    }

    /// The rows to draw, top to bottom.
    public var visibleLines: ArraySlice<TranscriptLine> { layout.lines[viewport.visibleRange] }

    public mutating func append(_ entry: TranscriptEntry) {
        layout.append(entry)
        viewport.contentChanged(lineCount: layout.lines.count)
    }

    /// A streamed token for the last entry.
    public mutating func appendToLast(_ text: String) {
        layout.appendToLast(text)
        viewport.contentChanged(lineCount: layout.lines.count)
    }

    public mutating func updateLast(_ change: (inout TranscriptEntry) -> Void) {
        layout.updateLast(change)
        viewport.contentChanged(lineCount: layout.lines.count)
    }

    public mutating func clear() {
        layout.removeAll()
        viewport.contentChanged(lineCount: 0)
    }

    /// The pane changed size.
    public mutating func resize(width: Int, height: Int) {
        let anchor = viewport.isFollowing || layout.lines.isEmpty ? nil : layout.lines[viewport.top].entryIndex
        layout.setWidth(width)
        viewport.resize(height: height)
        viewport.contentChanged(lineCount: layout.lines.count)
        if let anchor { viewport.scroll(toLine: layout.firstLine(ofEntry: anchor)) }
    }

    /// Scrolling actions (PgUp/PgDn, wheel, Home/End); false for any other action.
    @discardableResult
    public mutating func perform(_ action: Action) -> Bool {
        viewport.perform(action)
    }
}
