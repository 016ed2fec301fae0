/// What a frame has to redo. The workstation asks for these in one place
/// (`WorkstationApp.invalidate`) instead of setting a flag for each, so every reason to
/// draw is a request a reader can find, and the loop draws when one is pending.
struct Redraw: OptionSet, Sendable {
    let rawValue: Int

    /// Draw a frame at the end of this loop turn: something shown has changed.
    static let frame = Redraw(rawValue: 1 << 0)
    /// Send every cell again at the next frame, whatever ncurses believes the terminal
    /// shows: Ctrl-L, a resumed process, a new terminal size or theme.
    static let allCells = Redraw(rawValue: 1 << 1)
    /// Write the sixel again at the next frame: something covered or moved it, and
    /// ncurses does not know those cells (it takes them for blanks).
    static let image = Redraw(rawValue: 1 << 2)

    /// The whole screen: a frame that sends every cell and the picture again.
    static let screen: Redraw = [.frame, .allCells, .image]
}
