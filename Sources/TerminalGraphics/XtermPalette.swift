/// The xterm 256-colour palette's fixed part: the 6×6×6 colour cube (16…231) and the
/// 24-step gray ramp (232…255). The first 16 entries are themable, so they are never
/// chosen for image pixels.
public enum XtermPalette {
    /// The six channel levels of the colour cube.
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The colour of a cube or gray-ramp index (16…255).
    public static func color(_ index: Int) -> RGB {
        precondition((16...255).contains(index), "only the fixed part of the palette has a known colour")
        if index >= 232 {
            let v = UInt8(8 + 10 * (index - 232))
            return RGB(v, v, v)
        }
        let i = index - 16
        return RGB(UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
    }

    /// The nearest cube or gray-ramp entry (squared RGB distance). Grays only ever map to
    /// gray entries (the ramp or the cube's diagonal), so a grayscale study stays gray.
    public static func nearest(_ c: RGB) -> Int {
        if c.isGray { return nearestGray(Int(c.r)) }
        func level(_ v: UInt8) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - Int(v)) < abs(cubeLevels[best] - Int(v)) { best = i }
            return best
        }
        let cube = 16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b)
        let gray = nearestGray((Int(c.r) + Int(c.g) + Int(c.b)) / 3)
        return distance(color(cube), c) <= distance(color(gray), c) ? cube : gray
    }

    /// The nearest gray entry: the 24 ramp grays or one of the cube's six grays
    /// (0, 95, 135, 175, 215, 255).
    static func nearestGray(_ v: Int) -> Int {
        var best = 16, bestDistance = Int.max
        for (i, level) in cubeLevels.enumerated() where abs(level - v) < bestDistance {
            best = 16 + 43 * i
            bestDistance = abs(level - v)
        }
        for i in 0..<24 where abs(8 + 10 * i - v) < bestDistance {
            best = 232 + i
            bestDistance = abs(8 + 10 * i - v)
        }
        return best
    }

    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return dr * dr + dg * dg + db * db
    }
}
