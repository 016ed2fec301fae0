/// How many colours the UI may use, and how a theme's colours become ncurses colour
/// numbers. Pure logic, so that the choice (and `NO_COLOR`) is testable without a
/// terminal; `ColorPairs` applies it.
public enum ColorMode: Equatable, Sendable {
    /// No colours: `NO_COLOR` is set, or the terminal has none. Elements are told
    /// apart by attributes only (`ThemeElement.monochromeAttributes`).
    case monochrome
    /// 8 or 16 colours: each colour becomes the nearest ANSI colour.
    case ansi8
    /// 256 colours: the theme's indices.
    case indexed256
    /// Direct colour (`COLORS` = 2²⁴, e.g. `TERM=xterm-direct`): colour numbers are
    /// `0xRRGGBB`; the theme's hex values are used where given.
    case direct

    /// The mode for a terminal with `colors` colours (ncurses `COLORS`), given whether
    /// colour could be started at all and the value of `NO_COLOR`. Per no-color.org,
    /// `NO_COLOR` set to anything non-empty turns colour off, whatever the theme.
    public static func choose(colors: Int, hasColors: Bool, noColor: String?) -> ColorMode {
        if let noColor, !noColor.isEmpty { return .monochrome }
        guard hasColors else { return .monochrome }
        if colors >= 0x100_0000 { return .direct }
        if colors >= 256 { return .indexed256 }
        if colors >= 8 { return .ansi8 }
        return .monochrome
    }

    /// The ncurses colour number for a theme colour; -1 is the terminal's default.
    public func cursesColor(_ color: ThemeColor) -> Int32 {
        guard case .color(let index, let rgb) = color else { return -1 }
        switch self {
        case .monochrome: return -1
        case .ansi8: return Int32(color.nearestANSI ?? 7)
        case .indexed256: return Int32(index)
        case .direct:
            // Numbers below 8 are the ANSI colours on direct-colour terminals (their
            // terminfo sends those as plain SGR 30–37), which keeps index-only ANSI
            // colours the user's own; a true RGB value that small moves up to 8.
            if let rgb { return Int32(max(8, rgb.packed)) }
            if index < 8 { return Int32(index) }
            return Int32(max(8, RGBColor.xterm(index).packed))
        }
    }

    /// Foreground and background numbers for a colour pair; nil in monochrome.
    ///
    /// With only 8 colours, two different colours can fall on the same ANSI colour
    /// (dark grey text on a near-black background both become black): the text then
    /// becomes black or white, whichever stands out against the background.
    public func pairColors(for style: ThemeStyle) -> (foreground: Int32, background: Int32)? {
        guard self != .monochrome else { return nil }
        let foreground = cursesColor(style.foreground)
        let background = cursesColor(style.background)
        if self == .ansi8, foreground == background, foreground >= 0, style.foreground != style.background {
            let light = RGBColor.xterm(UInt8(background)).relativeLuminance > 0.2
            return (light ? 0 : 7, background)
        }
        return (foreground, background)
    }

    /// The attributes drawn for an element: the theme's, or in monochrome the
    /// element's fixed `monochromeAttributes`.
    ///
    /// With 8 colours, an element whose own background (status bar, code, overlay…)
    /// falls on the same ANSI colour as the text's is drawn reversed, so that it still
    /// stands out from the panes.
    public func attributes(for element: ThemeElement, in theme: Theme) -> TextAttributes {
        if self == .monochrome { return element.monochromeAttributes }
        let style = theme[element]
        if self == .ansi8, element != .text, style.background != theme[.text].background,
           cursesColor(style.background) == cursesColor(theme[.text].background) {
            return style.attributes.union(.reverse)
        }
        return style.attributes
    }
}
