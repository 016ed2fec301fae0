/// Chooses at most `maxColors` palette entries for a raster and maps every pixel to one,
/// for sixel output (terminals keep a few hundred colour registers at most).
///
/// Gray rasters use gray levels only: every distinct level when they fit, else evenly
/// spaced levels. Colour rasters use median cut over a 5-bit-per-channel histogram:
/// repeatedly split the box with the most pixels × widest range at the median of its
/// widest channel; each entry is its box's pixel-weighted mean.
public struct ColorQuantizer {
    public let palette: [RGB]
    /// Palette index of every pixel, row-major.
    public let indices: [UInt16]

    public init(_ raster: Raster, maxColors: Int = 256) {
        precondition(maxColors >= 2, "a palette has at least two entries")
        if raster.channels == .gray {
            (palette, indices) = Self.grayPalette(raster, maxColors: maxColors)
        } else {
            (palette, indices) = Self.medianCut(raster, maxColors: maxColors)
        }
    }

    private static func grayPalette(_ raster: Raster, maxColors: Int) -> ([RGB], [UInt16]) {
        var used = [Bool](repeating: false, count: 256)
        for v in raster.pixels { used[Int(v)] = true }
        var levelOf = [UInt16](repeating: 0, count: 256)
        var palette: [RGB] = []
        if used.lazy.filter({ $0 }).count <= maxColors {
            for v in 0..<256 where used[v] {
                levelOf[v] = UInt16(palette.count)
                palette.append(RGB(UInt8(v), UInt8(v), UInt8(v)))
            }
        } else {
            let n = maxColors
            for i in 0..<n {
                let v = UInt8((i * 255 + (n - 1) / 2) / (n - 1))
                palette.append(RGB(v, v, v))
            }
            for v in 0..<256 { levelOf[v] = UInt16((v * (n - 1) + 127) / 255) }
        }
        return (palette, raster.pixels.map { levelOf[Int($0)] })
    }

    private struct Box {
        var bins: [Int]
        var count: Int
        /// Widest channel (0 r, 1 g, 2 b) and its range in 5-bit units.
        var axis = 0
        var range = 0

        init(bins: [Int], histogram: [Int]) {
            self.bins = bins
            count = bins.reduce(0) { $0 + histogram[$1] }
            var lo = [31, 31, 31], hi = [0, 0, 0]
            for bin in bins {
                let c = [bin >> 10, (bin >> 5) & 31, bin & 31]
                for k in 0..<3 { lo[k] = min(lo[k], c[k]); hi[k] = max(hi[k], c[k]) }
            }
            for k in 0..<3 where hi[k] - lo[k] > range { range = hi[k] - lo[k]; axis = k }
        }
    }

    private static func medianCut(_ raster: Raster, maxColors: Int) -> ([RGB], [UInt16]) {
        @inline(__always) func bin(_ c: RGB) -> Int { Int(c.r >> 3) << 10 | Int(c.g >> 3) << 5 | Int(c.b >> 3) }
        var histogram = [Int](repeating: 0, count: 1 << 15)
        var sums = [(Int, Int, Int)](repeating: (0, 0, 0), count: 1 << 15)
        for y in 0..<raster.height {
            for x in 0..<raster.width {
                let c = raster.rgb(x: x, y: y), b = bin(c)
                histogram[b] += 1
                sums[b].0 += Int(c.r); sums[b].1 += Int(c.g); sums[b].2 += Int(c.b)
            }
        }
        var boxes = [Box(bins: (0..<(1 << 15)).filter { histogram[$0] > 0 }, histogram: histogram)]
        while boxes.count < maxColors {
            guard let (i, _) = boxes.enumerated().filter({ $0.element.range > 0 && $0.element.bins.count > 1 })
                .max(by: { $0.element.count * $0.element.range < $1.element.count * $1.element.range }) else { break }
            let box = boxes[i]
            let shift = [10, 5, 0][box.axis]
            let sorted = box.bins.sorted { ($0 >> shift) & 31 < ($1 >> shift) & 31 }
            var seen = 0, cut = 1
            for (j, b) in sorted.enumerated() {
                seen += histogram[b]
                if seen * 2 >= box.count { cut = max(1, min(sorted.count - 1, j + 1)); break }
            }
            boxes[i] = Box(bins: Array(sorted[..<cut]), histogram: histogram)
            boxes.append(Box(bins: Array(sorted[cut...]), histogram: histogram))
        }
        var paletteOfBin = [UInt16](repeating: 0, count: 1 << 15)
        var palette: [RGB] = []
        for box in boxes {
            var r = 0, g = 0, b = 0
            for bin in box.bins {
                paletteOfBin[bin] = UInt16(palette.count)
                r += sums[bin].0; g += sums[bin].1; b += sums[bin].2
            }
            let n = max(1, box.count)
            palette.append(RGB(UInt8((r + n / 2) / n), UInt8((g + n / 2) / n), UInt8((b + n / 2) / n)))
        }
        var indices = [UInt16](repeating: 0, count: raster.width * raster.height)
        for y in 0..<raster.height {
            for x in 0..<raster.width { indices[y * raster.width + x] = paletteOfBin[bin(raster.rgb(x: x, y: y))] }
        }
        return (palette, indices)
    }
}
