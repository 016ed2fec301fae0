/// Chooses pan-and-scan crops exactly as `transformers`' `Gemma3ImageProcessor.pan_and_scan`.
///
/// Squeezing a 3000×1000 image into 896×896 loses fine detail along the long axis;
/// Gemma 3 was trained to also see up to N crops, each resized to 896×896 like the full
/// image (llama.cpp and Ollama do not do this). The rule, for a landscape image
/// (portrait is the same with the axes swapped, a square counts as landscape):
///
/// 1. nothing if `width / height < minRatioToActivate`;
/// 2. `n = floor(width / height + 0.5)`, at most `floor(width / minCropSize)`, then
///    clamped to `2…maxCrops` (in that order, so `maxCrops` wins);
/// 3. crop size `ceil(width / n)` × `height`; nothing if either side is below `minCropSize`;
/// 4. crops start at `i · cropWidth`, left to right; the last one is cut at the image edge
///    (like NumPy slicing), so it may be narrower.
public enum PanAndScan {
    /// The crop rectangles for a `width` × `height` image, in the order the crops are encoded.
    public static func cropRects(width: Int, height: Int, options: PanAndScanOptions = .gemma3) -> [PixelRect] {
        guard width > 0, height > 0 else { return [] }
        let minCrop = Double(options.minCropSize)
        var cropsAcross = 1
        var cropsDown = 1
        if width >= height {
            let ratio = Double(width) / Double(height)
            if ratio < options.minRatioToActivate { return [] }
            cropsAcross = clampCount(ideal: ratio, side: Double(width), minCrop: minCrop, maxCrops: options.maxCrops)
        } else {
            let ratio = Double(height) / Double(width)
            if ratio < options.minRatioToActivate { return [] }
            cropsDown = clampCount(ideal: ratio, side: Double(height), minCrop: minCrop, maxCrops: options.maxCrops)
        }
        let cropWidth = Int((Double(width) / Double(cropsAcross)).rounded(.up))
        let cropHeight = Int((Double(height) / Double(cropsDown)).rounded(.up))
        if min(cropWidth, cropHeight) < options.minCropSize { return [] }

        var rects: [PixelRect] = []
        for row in 0..<cropsDown {
            for column in 0..<cropsAcross {
                let x = column * cropWidth
                let y = row * cropHeight
                // Slicing past the end stops at the edge; a slice starting past it is empty.
                let w = min(cropWidth, width - x)
                let h = min(cropHeight, height - y)
                if w > 0 && h > 0 { rects.append(PixelRect(x: x, y: y, width: w, height: h)) }
            }
        }
        return rects
    }

    /// Step 2 of the rule: round the ratio half up, cap by what fits `minCrop`, clamp to 2…max.
    private static func clampCount(ideal ratio: Double, side: Double, minCrop: Double, maxCrops: Int) -> Int {
        var count = Int((ratio + 0.5).rounded(.down))
        count = min(Int((side / minCrop).rounded(.down)), count)
        count = max(2, count)
        return min(maxCrops, count)
    }
}
