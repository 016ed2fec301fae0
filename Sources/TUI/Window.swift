import CNCursesW
import Support

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
        let printable = OneLine.clean(text)
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

extension Window {
    /// Writes `text` like `put(_:row:column:attributes:)`, in a theme style (attributes
    /// and colour pair). The window's own attributes and colours are restored after.
    @discardableResult
    public func put(_ text: String, row: Int, column: Int, style: CellStyle) -> Int {
        var savedAttributes: attr_t = 0
        var savedShortPair: Int16 = 0
        var savedPair: Int32 = 0
        wattr_get(pointer, &savedAttributes, &savedShortPair, &savedPair)
        var pair = style.pair
        wattr_set(pointer, style.attributes.cursesValue, Int16(clamping: pair), &pair)
        defer { wattr_set(pointer, savedAttributes, savedShortPair, &savedPair) }
        return put(text, row: row, column: column)
    }

    /// Draws styled spans like `put(_:row:column:limit:attributes:)`, each span in the
    /// style `style` gives for it (usually `ColorPairs.style(for:in:)`).
    @discardableResult
    public func put(_ spans: [StyledSpan], row: Int, column: Int, limit: Int? = nil,
                    style: (SpanStyle) -> CellStyle) -> Int {
        var used = 0
        let limit = limit ?? (size.columns - column)
        for span in spans {
            guard used < limit else { break }
            let text = DisplayWidth.prefix(span.text, fittingIn: limit - used)
            used += put(text, row: row, column: column + used, style: style(span.style))
        }
        return used
    }

    /// Gives every cell of the window the style's colours (ncurses `wbkgrnd`): blank
    /// cells and text drawn without a pair of its own show them, and `erase()` fills
    /// with them. Only the pair is used; attributes would apply to all text.
    public func setBackground(_ style: CellStyle) {
        var cell = Self.blankCell(pair: style.pair, attributes: [])
        wbkgrnd(pointer, &cell)
    }

    /// Draws the border in a style, and the title in `titleStyle` (the border style in
    /// bold when not given).
    public func drawBox(title: String? = nil, style: CellStyle, titleStyle: CellStyle? = nil) {
        // `box` draws with the window's background rendition: set it to the style
        // for the border only, then put the window's own back.
        var saved = cchar_t()
        var savedAttributes: attr_t = 0
        var savedShortPair: Int16 = 0
        var savedPair: Int32 = 0
        wgetbkgrnd(pointer, &saved)
        wattr_get(pointer, &savedAttributes, &savedShortPair, &savedPair)
        var border = Self.blankCell(pair: style.pair, attributes: style.attributes)
        wbkgrndset(pointer, &border)
        box(pointer, 0, 0)
        wbkgrndset(pointer, &saved)
        wattr_set(pointer, savedAttributes, savedShortPair, &savedPair)
        if let title, size.columns > 6 {
            put(" " + DisplayWidth.prefix(title, fittingIn: size.columns - 6) + " ", row: 0, column: 2,
                style: titleStyle ?? style.adding(.bold))
        }
    }

    /// A space in a colour pair, as ncurses' wide-character calls take it.
    private static func blankCell(pair: Int32, attributes: TextAttributes) -> cchar_t {
        var cell = cchar_t()
        var extended = pair
        let space: [wchar_t] = [0x20, 0]
        setcchar(&cell, space, attributes.cursesValue, Int16(clamping: pair), &extended)
        return cell
    }
}
