/// One colour of a theme: the terminal's own colour, or a 256-colour index with an
/// optional exact 24-bit value for terminals that can show it.
///
/// Every colour carries a 256-colour index because that is what almost every terminal
/// (and tmux, and `TERM=xterm-256color`) can show; the hex value is used only on a
/// direct-colour terminal. A colour written only as `#rrggbb` gets the nearest index.
public enum ThemeColor: Hashable, Sendable {
    /// The terminal's default foreground or background (ncurses colour -1): follows the
    /// user's own terminal colours and transparency.
    case terminalDefault
    /// A 256-colour index (0–15 are the user's ANSI colours) and, optionally, the exact
    /// colour it stands for.
    case color(index: UInt8, rgb: RGBColor?)

    /// An index-only colour.
    public static func indexed(_ index: UInt8) -> ThemeColor { .color(index: index, rgb: nil) }

    /// A 24-bit colour with its 256-colour stand-in (the nearest one when not given).
    public static func hex(_ packed: UInt32, _ index: UInt8? = nil) -> ThemeColor {
        let rgb = RGBColor(packed: packed)
        return .color(index: index ?? nearest256(to: rgb), rgb: rgb)
    }

    /// The 256-colour index; nil for the terminal default.
    public var index: UInt8? {
        if case .color(let index, _) = self { return index }
        return nil
    }

    /// The exact colour the theme gave; nil when it gave none.
    public var rgb: RGBColor? {
        if case .color(_, let rgb) = self { return rgb }
        return nil
    }

    /// The exact colour, or what xterm shows for the index; nil for the terminal default.
    public var approximateRGB: RGBColor? {
        guard case .color(let index, let rgb) = self else { return nil }
        return rgb ?? RGBColor.xterm(index)
    }

    /// The nearest of the eight ANSI colours (0–7), for 8- and 16-colour terminals;
    /// nil for the terminal default. Indices 0–7 stay, 8–15 lose their brightness.
    public var nearestANSI: UInt8? {
        guard case .color(let index, let rgb) = self else { return nil }
        if rgb == nil, index < 16 { return index % 8 }
        return Self.nearestANSI(to: rgb ?? RGBColor.xterm(index))
    }

    // MARK: Nearest palette entries

    /// The nearest 256-colour index (by RGB distance) among 16–255: the colour cube and
    /// the grey ramp, which look the same on every terminal (0–15 are user-defined).
    /// #ff0000 → 196, #808080 → 244.
    public static func nearest256(to rgb: RGBColor) -> UInt8 {
        func nearestLevel(_ channel: UInt8) -> Int {
            var best = 0
            for (level, value) in RGBColor.cubeLevels.enumerated()
            where abs(Int(value) - Int(channel)) < abs(Int(RGBColor.cubeLevels[best]) - Int(channel)) {
                best = level
            }
            return best
        }
        let cube = UInt8(16 + 36 * nearestLevel(rgb.red) + 6 * nearestLevel(rgb.green) + nearestLevel(rgb.blue))
        let average = (Int(rgb.red) + Int(rgb.green) + Int(rgb.blue)) / 3
        let grey = UInt8(232 + max(0, min(23, (average - 8 + 5) / 10)))
        return rgb.distanceSquared(to: .xterm(grey)) < rgb.distanceSquared(to: .xterm(cube)) ? grey : cube
    }

    /// The nearest of the eight ANSI colours, by hue: plain RGB distance to xterm's
    /// ANSI values sends mid greys to yellow or cyan, and most pastels to white, so
    /// greys (channels within 64 of each other) become black or white by brightness,
    /// and other colours take the nearest of the six hues (red 0°, yellow 60°, green
    /// 120°, cyan 180°, blue 240°, magenta 300°; a tie goes to the later one, so orange
    /// (30°) is yellow, which many terminals show as brown).
    /// #ff0000 → 1 (red), #808080 → 7 (white), #5fafd7 → 6 (cyan).
    public static func nearestANSI(to rgb: RGBColor) -> UInt8 {
        let r = Int(rgb.red), g = Int(rgb.green), b = Int(rgb.blue)
        let high = max(r, g, b), low = min(r, g, b), chroma = high - low
        if chroma < 64 { return (r + g + b) / 3 >= 100 ? 7 : 0 }
        var hue: Double
        if high == r {
            hue = 60 * Double(g - b) / Double(chroma)
        } else if high == g {
            hue = 60 * Double(b - r) / Double(chroma) + 120
        } else {
            hue = 60 * Double(r - g) / Double(chroma) + 240
        }
        if hue < 0 { hue += 360 }
        let hues: [(angle: Double, ansi: UInt8)] = [(0, 1), (60, 3), (120, 2), (180, 6), (240, 4), (300, 5), (360, 1)]
        var best = hues[0]
        for candidate in hues.dropFirst() where abs(candidate.angle - hue) <= abs(best.angle - hue) {
            best = candidate
        }
        return best.ansi
    }

    // MARK: Names

    /// The colour names theme files may use, for indices 0–15.
    public static let names: [String] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow",
        "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
    ]
}
