import CNCursesW

/// An ncurses window: a rectangle of the screen that is drawn, then staged.
///
/// Text goes in as Swift `String`s (converted to wide characters here) and is clipped
/// to the window by display width, so callers never overflow into the next line.
public final class Window {
    /// The ncurses handle; internal so that only this module sees the C type.
    let pointer: UnsafeMutablePointer<WINDOW>
    private let owned: Bool

    /// Wraps a window that ncurses owns (stdscr); it is never deleted here.
    init(borrowing pointer: UnsafeMutablePointer<WINDOW>) {
        self.pointer = pointer
        self.owned = false
    }

    /// Wraps a window created with `newwin`; deleted when this object goes away.
    init(owning pointer: UnsafeMutablePointer<WINDOW>) {
        self.pointer = pointer
        self.owned = true
    }

    deinit {
        if owned { delwin(pointer) }
    }

    /// Size in rows and columns.
    public var size: (rows: Int, columns: Int) {
        (Int(getmaxy(pointer)), Int(getmaxx(pointer)))
    }

    /// Blanks the window (applied at the next refresh, without clearing the terminal).
    public func erase() {
        werase(pointer)
    }

    /// Writes `text` at a row and column, clipped at the right edge by display width.
    ///
    /// Control characters (newline, tab…) would move the cursor and break layout, so
    /// they are drawn as spaces. Returns the number of columns written.
    @discardableResult
    public func put(_ text: String, row: Int, column: Int, attributes: TextAttributes = []) -> Int {
        let (rows, columns) = size
        guard row >= 0, row < rows, column >= 0, column < columns else { return 0 }
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        let visible = DisplayWidth.prefix(printable, fittingIn: columns - column)
        var wide = visible.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        if !attributes.isEmpty { wattr_on(pointer, attributes.cursesValue, nil) }
        wmove(pointer, Int32(row), Int32(column))
        waddnwstr(pointer, wide, Int32(wide.count - 1))
        if !attributes.isEmpty { wattr_off(pointer, attributes.cursesValue, nil) }
        return DisplayWidth.of(visible)
    }

    /// Draws a line border around the edge, with an optional title in the top edge.
    public func drawBox(title: String? = nil) {
        box(pointer, 0, 0)
        if let title, size.columns > 6 {
            put(" " + DisplayWidth.prefix(title, fittingIn: size.columns - 6) + " ", row: 0, column: 2,
                attributes: .bold)
        }
    }

    /// Marks the window's changes for the next `Terminal.update()` (ncurses `wnoutrefresh`).
    public func stage() {
        guard Terminal.isRunning else { return }
        wnoutrefresh(pointer)
    }

    /// Stages this window and updates the terminal at once.
    public func refresh() {
        guard Terminal.isRunning else { return }
        wnoutrefresh(pointer)
        doupdate()
    }
}

extension Window {
    /// Where the terminal cursor goes when this window is the last one staged.
    public func moveCursor(row: Int, column: Int) {
        let (rows, columns) = size
        wmove(pointer, Int32(max(0, min(rows - 1, row))), Int32(max(0, min(columns - 1, column))))
    }

    /// Draws styled spans from a column, clipped at the window's right edge (or at
    /// `limit` columns); returns the columns used.
    @discardableResult
    public func put(_ spans: [StyledSpan], row: Int, column: Int, limit: Int? = nil,
                    attributes extra: TextAttributes = []) -> Int {
        var used = 0
        let limit = limit ?? (size.columns - column)
        for span in spans {
            guard used < limit else { break }
            let text = DisplayWidth.prefix(span.text, fittingIn: limit - used)
            used += put(text, row: row, column: column + used, attributes: span.style.textAttributes.union(extra))
        }
        return used
    }
}

extension Window {
    /// Makes the next update repaint every cell of this window, whatever ncurses
    /// believes the terminal shows there (`redrawwin`). Needed over cells written with
    /// `Terminal.drawRaw`, which ncurses takes for blanks and would otherwise skip.
    public func invalidate() {
        redrawwin(pointer)
    }
}
