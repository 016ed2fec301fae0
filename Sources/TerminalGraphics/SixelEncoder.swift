/// Encodes a raster as a DEC sixel image: a DCS string the terminal draws as a bitmap at
/// the cursor. Pixels go out in bands six rows high; within a band each palette colour
/// that occurs is one pass of sixel characters (one bit per row), passes separated by
/// `$` (back to the band's start) and bands by `-`. Runs of one character are
/// compressed as `!count<char>`.
public enum SixelEncoder {
    /// `maxColors`: palette registers to use (VT340-class terminals have at least 16,
    /// xterm and most modern terminals 256 or more).
    public static func encode(_ raster: Raster, maxColors: Int = 256) -> String {
        let quantized = ColorQuantizer(raster, maxColors: maxColors)
        let w = raster.width, h = raster.height
        var out: [UInt8] = []
        out.reserveCapacity(w * h / 2 + 64)
        func append(_ s: String) { out.append(contentsOf: s.utf8) }
        // P1 = 9: square pixels; P2 = 1: pixels left at 0 keep what is under them.
        append("\u{1B}P9;1;0q\"1;1;\(w);\(h)")
        for (i, c) in quantized.palette.enumerated() {
            append("#\(i);2;\(percent(c.r));\(percent(c.g));\(percent(c.b))")
        }
        let idx = quantized.indices
        var bits = [UInt8](repeating: 0, count: w)
        var used = [Bool](repeating: false, count: quantized.palette.count)
        for top in stride(from: 0, to: h, by: 6) {
            let rows = min(6, h - top)
            for i in used.indices { used[i] = false }
            for y in top..<(top + rows) {
                for x in 0..<w { used[Int(idx[y * w + x])] = true }
            }
            var firstPass = true
            for color in used.indices where used[color] {
                for x in 0..<w {
                    var b: UInt8 = 0
                    for dy in 0..<rows where Int(idx[(top + dy) * w + x]) == color { b |= 1 << dy }
                    bits[x] = b
                }
                // Trailing columns without this colour need not be sent.
                var end = w
                while end > 0 && bits[end - 1] == 0 { end -= 1 }
                if !firstPass { out.append(UInt8(ascii: "$")) }
                firstPass = false
                append("#\(color)")
                var x = 0
                while x < end {
                    var run = 1
                    while x + run < end && bits[x + run] == bits[x] { run += 1 }
                    let ch = 63 + bits[x]
                    if run > 3 {
                        append("!\(run)")
                        out.append(ch)
                    } else {
                        for _ in 0..<run { out.append(ch) }
                    }
                    x += run
                }
            }
            if top + 6 < h { out.append(UInt8(ascii: "-")) }
        }
        append("\u{1B}\\")
        return String(decoding: out, as: UTF8.self)
    }

    /// Sixel colours are given in percent, 0…100.
    static func percent(_ v: UInt8) -> Int { (Int(v) * 100 + 127) / 255 }
}
