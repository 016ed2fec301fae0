/// The screen as laid out and styled: the pane rectangles for the terminal's size, the
/// windows of the last frame, the theme and its colour pairs, and what the next frame
/// has to redo. Kept apart from the panes' contents, which drawing only reads.
struct ScreenState {
    var layout: PaneLayout?
    /// The size and input height `layout` was computed for; a change lays out again.
    var laidOutSize = (rows: 0, columns: 0, inputLines: 0)
    /// The last frame's windows, kept until the next frame makes new ones.
    var windows: [Window] = []
    /// Themes from `Themes/` and `~/.config/medgemma/themes`; the one in use.
    let themes: ThemeLibrary
    var theme: Theme
    /// The theme's colour pairs, registered once the terminal has started.
    var colors = ColorPairs(mode: .monochrome, theme: .defaultDark)
    /// What the next frame has to redo; asked for with `WorkstationApp.invalidate`.
    var redraw = RedrawRequests()

    init(themes: ThemeLibrary, theme: Theme) {
        self.themes = themes
        self.theme = theme
    }
}
