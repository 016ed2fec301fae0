/// Display defaults and rendering of a `MedicalImage` through an `ImageView`.
///
/// The gray pipeline is the DICOM one: stored value → rescale (modality LUT) → window
/// (VOI LUT function, PS3.3 C.11.2.1.2) → MONOCHROME1 inversion → the view's invert.
/// RGB samples skip rescale and MONOCHROME1 and go through the window per channel
/// (by default the full stored range, i.e. unchanged).
extension MedicalImage {
    /// The window used when a view sets none:
    /// the file's first window; else, for CT without one, a soft-tissue window
    /// (W400/L40 in HU, what a radiologist would open an abdomen with); else, for DICOM
    /// gray, the frame's modality range; else (PNG, JPEG, RGB) the full stored range,
    /// which renders 8-bit images unchanged.
    public func defaultWindow(frame: Int = 0) -> VOIWindow {
        guard metadata.format == .dicom, metadata.photometric.isMonochrome else {
            return .covering(low: 0, high: Double(storedRange.high), explanation: "full range")
        }
        if let first = metadata.windows.first { return first }
        if metadata.modality == "CT" && metadata.rescale.type.map({ $0 == "HU" }) ?? true {
            return VOIWindow(center: 40, width: 400, explanation: "soft tissue (default)")
        }
        let range = modalityRange(frame: frame)
        return .covering(low: range.low, high: range.high, explanation: "full range")
    }

    /// The smallest and largest value Bits Stored allows.
    var storedRange: (low: Int, high: Int) {
        let bits = min(max(metadata.bitsStored, 1), pixels.bitDepth)
        return metadata.isSigned ? (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) : (0, (1 << bits) - 1)
    }

    /// Renders the view's region to `width`×`height` 8-bit pixels (gray, or RGB for colour images).
    ///
    /// The region is stretched to the output size (the caller picks the aspect ratio).
    /// Shrinking averages the display values of the source pixels under each output pixel
    /// (a box filter, so fine detail is not aliased away); enlarging takes the nearest pixel.
    /// Output sizes below 1 count as 1.
    public func render(view: ImageView = ImageView(), width outWidth: Int, height outHeight: Int) -> DecodedImage {
        let outWidth = max(outWidth, 1), outHeight = max(outHeight, 1)
        let frame = min(max(view.frame, 0), frameCount - 1)
        let lut = displayTable(view: view, frame: frame)
        let region = view.visibleRegion(imageWidth: width, imageHeight: height)
        let columns = Self.sourceSpans(count: outWidth, start: region.x, length: region.width, limit: width)
        let rows = Self.sourceSpans(count: outHeight, start: region.y, length: region.height, limit: height)
        let start = frame * samplesPerFrame
        let output: [UInt8]
        switch pixels {
        case .eight(let samples):
            output = Self.render(samples, start: start, width: width, channels: channels.count, lut: lut, rows: rows, columns: columns)
        case .sixteen(let samples):
            output = Self.render(samples, start: start, width: width, channels: channels.count, lut: lut, rows: rows, columns: columns)
        }
        return DecodedImage(width: outWidth, height: outHeight, channels: channels, pixels: .eight(output))
    }

    /// Display fraction (0…1) for every possible raw sample bit pattern of this image.
    func displayTable(view: ImageView, frame: Int) -> [Float] {
        let window = view.window ?? defaultWindow(frame: frame)
        let monochrome = metadata.photometric.isMonochrome
        let function = monochrome ? metadata.voiFunction : .linear
        let rescale = monochrome ? metadata.rescale : .identity
        let flip = (metadata.photometric == .monochrome1) != view.invert
        let size = 1 << pixels.bitDepth
        let table: [Float] = (0..<size).map { raw in
            let stored: Int
            if metadata.isSigned {
                stored = pixels.bitDepth == 8 ? Int(Int8(truncatingIfNeeded: raw)) : Int(Int16(truncatingIfNeeded: raw))
            } else {
                stored = raw
            }
            let fraction = function.fraction(of: rescale.apply(stored), center: window.center, width: window.width)
            return Float(flip ? 1 - fraction : fraction)
        }
        return view.equalize ? equalized(table, frame: frame) : table
    }

    /// Classic histogram equalisation of the displayed picture: each of 256 display levels
    /// maps to its share of the frame's samples at or below it, (cdf − cdf_min)/(n − cdf_min),
    /// so the darkest level used stays black and the brightest becomes white. One mapping
    /// for all channels of a colour image, so hues are not shifted channel by channel.
    func equalized(_ table: [Float], frame: Int) -> [Float] {
        var histogram = [Int](repeating: 0, count: 256)
        let level = table.map { Int(min(max(($0 * 255).rounded(), 0), 255)) }
        let range = frame * samplesPerFrame..<(frame + 1) * samplesPerFrame
        switch pixels {
        case .eight(let samples): for raw in samples[range] { histogram[level[Int(raw)]] += 1 }
        case .sixteen(let samples): for raw in samples[range] { histogram[level[Int(raw)]] += 1 }
        }
        var cdf = [Int](repeating: 0, count: 256)
        var total = 0
        for i in 0..<256 { total += histogram[i]; cdf[i] = total }
        guard let low = cdf.first(where: { $0 > 0 }), total > low else { return table }
        return level.map { Float(cdf[$0] - low) / Float(total - low) }
    }

    /// For each output pixel along one axis, the inclusive range of source pixels it covers,
    /// or nil where it falls outside the image.
    static func sourceSpans(count: Int, start: Double, length: Double, limit: Int) -> [ClosedRange<Int>?] {
        let step = length / Double(count)
        return (0..<count).map { index in
            let a = start + Double(index) * step, b = a + step
            // Source pixel i covers [i, i+1); it belongs to the output pixel holding its centre.
            var low = (a - 0.5).rounded(.up), high = (b - 0.5).rounded(.up) - 1
            if high < low {  // enlarging: no centre inside, take the pixel under the midpoint
                low = ((a + b) / 2).rounded(.down)
                high = low
            }
            low = max(low, 0)
            high = min(high, Double(limit - 1))
            guard low <= high, low.isFinite, high.isFinite else { return nil }
            return Int(low)...Int(high)
        }
    }

    private static func render<Sample: FixedWidthInteger & UnsignedInteger>(
        _ samples: [Sample], start: Int, width: Int, channels: Int, lut: [Float],
        rows: [ClosedRange<Int>?], columns: [ClosedRange<Int>?]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: rows.count * columns.count * channels)
        var sums = [Float](repeating: 0, count: channels)
        for (outY, rowSpan) in rows.enumerated() {
            guard let rowSpan else { continue }
            for (outX, columnSpan) in columns.enumerated() {
                guard let columnSpan else { continue }
                for c in 0..<channels { sums[c] = 0 }
                for y in rowSpan {
                    let rowStart = start + y * width * channels
                    for x in columnSpan {
                        let base = rowStart + x * channels
                        for c in 0..<channels { sums[c] += lut[Int(samples[base + c])] }
                    }
                }
                let scale = 255 / Float(rowSpan.count * columnSpan.count)
                let outBase = (outY * columns.count + outX) * channels
                for c in 0..<channels {
                    output[outBase + c] = UInt8(min(max((sums[c] * scale).rounded(), 0), 255))
                }
            }
        }
        return output
    }
}
