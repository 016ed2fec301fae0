import CNCursesW
import Glibc

/// A theme registered with ncurses: one colour pair per `ThemeElement` (pair numbers
/// 1…count, in `ThemeElement.allCases` order), and the `CellStyle` to draw each with.
///
/// Made once after `Terminal.start()`; `apply(_:)` switches the theme at run time by
/// redefining the same pairs (ncurses then repaints cells drawn with them, and the
/// application redraws anyway). With `NO_COLOR` or a terminal without colours no pair
/// is defined and every style is attributes only.
public final class ColorPairs {
    /// How colours are shown on this terminal.
    public let mode: ColorMode
    /// The theme in use.
    public private(set) var theme: Theme
    private var styles: [ThemeElement: CellStyle]

    /// For the running terminal: the mode from its colour count and `NO_COLOR`.
    public convenience init(terminal: Terminal, theme: Theme,
                            noColor: String? = getenv("NO_COLOR").map { String(cString: $0) }) {
        let colors = terminal.hasColors ? Int(COLORS) : 0
        self.init(mode: ColorMode.choose(colors: colors, hasColors: terminal.hasColors, noColor: noColor),
                  theme: theme)
    }

    /// With a given mode; pairs are only registered while a terminal runs, so tests can
    /// make one without a terminal.
    public init(mode: ColorMode, theme: Theme) {
        self.mode = mode
        self.theme = theme
        self.styles = Self.cellStyles(theme: theme, mode: mode)
        register()
    }

    /// Switches to another theme (the `t` key). The caller redraws every window.
    public func apply(_ theme: Theme) {
        self.theme = theme
        styles = Self.cellStyles(theme: theme, mode: mode)
        register()
    }

    /// What to draw an element with.
    public subscript(element: ThemeElement) -> CellStyle { styles[element] ?? .plain }

    /// What to draw a transcript span with, inside an element (`text` for a reply,
    /// `overlay` in the help box): the span's own element where it has one (code,
    /// heading, labels, notes…), with bold and italic added on top.
    public func style(for span: SpanStyle, in base: ThemeElement = .text) -> CellStyle {
        Self.style(for: span, in: base, styles: styles, mode: mode)
    }

    // MARK: Pure parts

    /// The ncurses pair number of an element: its position in `allCases`, from 1.
    public static func pairNumber(of element: ThemeElement) -> Int32 {
        Int32(ThemeElement.allCases.firstIndex(of: element)! + 1)
    }

    /// The styles a theme gives in a mode: attributes and pair numbers (pair 0 in
    /// monochrome).
    public static func cellStyles(theme: Theme, mode: ColorMode) -> [ThemeElement: CellStyle] {
        var styles: [ThemeElement: CellStyle] = [:]
        for element in ThemeElement.allCases {
            styles[element] = CellStyle(attributes: mode.attributes(for: element, in: theme),
                                        pair: mode == .monochrome ? 0 : pairNumber(of: element))
        }
        return styles
    }

    /// The element a span style draws as; nil for plain text (bold/italic only).
    public static func element(for span: SpanStyle) -> ThemeElement? {
        let order: [(SpanStyle, ThemeElement)] = [
            (.codeBlock, .codeBlock), (.code, .code), (.heading, .heading), (.userLabel, .userLabel),
            (.modelLabel, .modelLabel), (.warning, .warning), (.note, .note), (.timing, .timing),
            (.listMarker, .listMarker),
        ]
        return order.first { span.contains($0.0) }?.1
    }

    static func style(for span: SpanStyle, in base: ThemeElement, styles: [ThemeElement: CellStyle],
                      mode: ColorMode) -> CellStyle {
        let element = element(for: span) ?? base
        let style = styles[element] ?? .plain
        if mode == .monochrome {
            return style.adding(span.textAttributes)
        }
        var extra: TextAttributes = []
        if span.contains(.bold) { extra.insert(.bold) }
        if span.contains(.italic) { extra.insert(.italic) }
        return style.adding(extra)
    }

    // MARK: ncurses

    /// Defines the pairs. `init_extended_pair` takes `int` colours, which direct-colour
    /// numbers (up to 0xFFFFFF) need; pairs the terminal cannot hold are skipped.
    private func register() {
        guard Terminal.isRunning, mode != .monochrome else { return }
        for element in ThemeElement.allCases {
            let pair = Self.pairNumber(of: element)
            guard pair < COLOR_PAIRS, let colors = mode.pairColors(for: theme[element]),
                  init_extended_pair(pair, colors.foreground, colors.background) == OK else {
                styles[element]?.pair = 0  // attributes only, rather than an undefined pair
                continue
            }
        }
    }
}
