/// Draws a raster as plain characters from a brightness ramp, for terminals without
/// colour or Unicode (or `NO_COLOR`). Each character stands for two pixels stacked
/// vertically (cells are about twice as tall as wide), so pass a raster twice as tall as
/// the number of text rows.
public enum ASCIIRenderer {
    /// Darkest to brightest, as seen on a dark background.
    public static let ramp: [Character] = Array(" .:-=+*#%@")

    /// `ceil(height / 2)` lines of `width` characters. With `darkBackground: false` the
    /// ramp is reversed, so dense characters still mean dark on paper-white terminals.
    public static func lines(_ raster: Raster, darkBackground: Bool = true) -> [String] {
        stride(from: 0, to: raster.height, by: 2).map { y in
            String((0..<raster.width).map { x in
                let luma = y + 1 < raster.height
                    ? (raster.luma(x: x, y: y) + raster.luma(x: x, y: y + 1) + 1) / 2
                    : raster.luma(x: x, y: y)
                return character(forLuma: luma, darkBackground: darkBackground)
            })
        }
    }

    /// The ramp character for a brightness 0…255 (rounded to the nearest step).
    public static func character(forLuma luma: Int, darkBackground: Bool = true) -> Character {
        let steps = ramp.count - 1
        let i = (min(255, max(0, luma)) * steps + 127) / 255
        return ramp[darkBackground ? i : steps - i]
    }
}
