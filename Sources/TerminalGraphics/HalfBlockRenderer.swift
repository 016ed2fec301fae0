/// Draws a raster with the upper-half-block character `▀`: each terminal cell shows two
/// pixels stacked vertically, the top one as the foreground colour and the bottom one as
/// the background. A cell is about twice as tall as wide, so this gives square pixels.
public enum HalfBlockRenderer {
    /// One cell: its top and bottom pixel colours (the bottom is nil in the last row of
    /// an odd-height raster, where the cell keeps the terminal's background).
    public struct Cell: Equatable, Sendable {
        public var top: RGB
        public var bottom: RGB?
    }

    /// `ceil(height / 2)` rows of `width` cells.
    public static func cells(_ raster: Raster) -> [[Cell]] {
        stride(from: 0, to: raster.height, by: 2).map { y in
            (0..<raster.width).map { x in
                Cell(top: raster.rgb(x: x, y: y), bottom: y + 1 < raster.height ? raster.rgb(x: x, y: y + 1) : nil)
            }
        }
    }

    /// The rows as terminal text: SGR colour changes only where the colour changes, each
    /// row ending in a reset so nothing leaks into the next pane.
    public static func lines(_ raster: Raster, depth: ColorDepth) -> [String] {
        cells(raster).map { row in
            var line = ""
            var fg: RGB?, bg: RGB??
            for cell in row {
                if fg != cell.top {
                    line += sgr(foreground: true, cell.top, depth)
                    fg = cell.top
                }
                if bg != .some(cell.bottom) {
                    line += cell.bottom.map { sgr(foreground: false, $0, depth) } ?? "\u{1B}[49m"
                    bg = .some(cell.bottom)
                }
                line += "▀"
            }
            return line + "\u{1B}[0m"
        }
    }

    static func sgr(foreground: Bool, _ c: RGB, _ depth: ColorDepth) -> String {
        let layer = foreground ? 38 : 48
        switch depth {
        case .trueColor: return "\u{1B}[\(layer);2;\(c.r);\(c.g);\(c.b)m"
        case .palette256: return "\u{1B}[\(layer);5;\(XtermPalette.nearest(c))m"
        }
    }
}
