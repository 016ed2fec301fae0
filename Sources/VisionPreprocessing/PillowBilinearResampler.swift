/// Resizes 8-bit RGB exactly like Pillow's `Image.resize(size, Image.BILINEAR)`.
///
/// Why bit-exact Pillow: Gemma 3's reference preprocessing (`transformers`
/// `Gemma3ImageProcessorPil`, and the training pipeline before it) squeezes every image
/// to 896×896 with Pillow's bilinear, which widens its kernel when shrinking
/// (antialiasing). A naive 4-tap bilinear, as llama.cpp uses, aliases fine texture on
/// large images and gives the encoder different pixels from those it was trained on.
///
/// Follows libImaging/Resample.c (`ImagingResampleInner`, Pillow 13):
/// * separable: one horizontal and one vertical pass, each with weights from
///   `BilinearResampleKernel` and integer accumulation rounded by `clip8`, so the
///   intermediate image is rounded and clipped to 8 bits between the passes;
/// * a pass is skipped when its axis keeps its size;
/// * the horizontal pass runs first unless the height shrinks by more than twice as many
///   pixels as the width (then vertical first); the order changes the rounding, so it is
///   reproduced; when horizontal goes first only the source rows the vertical pass reads
///   are resampled (Pillow's `ybox` optimisation, which does not change any value);
/// * the same size in and out returns the image unchanged (Pillow returns a copy).
///
/// Upscaling uses the same code: the support stays one pixel, i.e. linear interpolation
/// between pixel centres with edge taps renormalised.
public enum PillowBilinearResampler {
    /// `image` resized to `width` × `height`.
    public static func resize(_ image: RGBImage, width: Int, height: Int) throws(PreprocessingError) -> RGBImage {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        guard needHorizontal || needVertical else { return image }

        let shrinkY = image.height - height
        let horizontalFirst = !(shrinkY > 0 && shrinkY > (image.width - width) * 2)
        let vertical = needVertical ? BilinearResampleKernel(inputSize: image.height, outputSize: height) : nil
        let horizontal = needHorizontal ? BilinearResampleKernel(inputSize: image.width, outputSize: width) : nil

        var current = image
        if horizontalFirst {
            if let horizontal {
                // Only rows some output row reads (all of them when there is no vertical pass).
                var rows = 0..<image.height
                if let vertical {
                    let last = vertical.firsts.count - 1
                    rows = Int(vertical.firsts[0])..<Int(vertical.firsts[last] + vertical.counts[last])
                }
                current = horizontalPass(current, kernel: horizontal, rows: rows)
                if let vertical {
                    current = verticalPass(current, kernel: vertical, rowOffset: rows.lowerBound)
                }
            } else if let vertical {
                current = verticalPass(current, kernel: vertical, rowOffset: 0)
            }
        } else {
            if let vertical { current = verticalPass(current, kernel: vertical, rowOffset: 0) }
            if let horizontal { current = horizontalPass(current, kernel: horizontal, rows: 0..<current.height) }
        }
        return current
    }

    /// Resamples each row in `rows` to `kernel.firsts.count` pixels.
    static func horizontalPass(_ image: RGBImage, kernel: BilinearResampleKernel, rows: Range<Int>) -> RGBImage {
        let outWidth = kernel.firsts.count
        let inRowBytes = image.width * 3
        let outRowBytes = outWidth * 3
        var out = [UInt8](repeating: 0, count: outRowBytes * rows.count)
        image.pixels.withUnsafeBufferPointer { source in
        kernel.firsts.withUnsafeBufferPointer { firsts in
        kernel.counts.withUnsafeBufferPointer { counts in
        kernel.weights.withUnsafeBufferPointer { weights in
        out.withUnsafeMutableBufferPointer { target in
            let stride = kernel.stride
            for (outRow, row) in rows.enumerated() {
                let line = row * inRowBytes
                let outLine = outRow * outRowBytes
                for x in 0..<outWidth {
                    var r = BilinearResampleKernel.half, g = r, b = r
                    var s = line + Int(firsts[x]) * 3
                    let w = x * stride
                    for tap in 0..<Int(counts[x]) {
                        let k = weights[w + tap]
                        r &+= Int32(source[s]) &* k
                        g &+= Int32(source[s + 1]) &* k
                        b &+= Int32(source[s + 2]) &* k
                        s += 3
                    }
                    target[outLine + x * 3] = BilinearResampleKernel.clip8(r)
                    target[outLine + x * 3 + 1] = BilinearResampleKernel.clip8(g)
                    target[outLine + x * 3 + 2] = BilinearResampleKernel.clip8(b)
                }
            }
        }}}}}
        return RGBImage(unchecked: outWidth, height: rows.count, pixels: out)
    }

    /// Resamples each column to `kernel.firsts.count` rows; the kernel's source row `i`
    /// is `image`'s row `i − rowOffset` (the horizontal pass may have dropped leading rows).
    static func verticalPass(_ image: RGBImage, kernel: BilinearResampleKernel, rowOffset: Int) -> RGBImage {
        let outHeight = kernel.firsts.count
        let rowBytes = image.width * 3
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        // One accumulator per sample of the output row: summing tap by tap over whole
        // rows keeps memory access sequential (integer sums are order-independent).
        var sums = [Int32](repeating: 0, count: rowBytes)
        image.pixels.withUnsafeBufferPointer { source in
        kernel.weights.withUnsafeBufferPointer { weights in
        sums.withUnsafeMutableBufferPointer { acc in
        out.withUnsafeMutableBufferPointer { target in
            for y in 0..<outHeight {
                for i in 0..<rowBytes { acc[i] = BilinearResampleKernel.half }
                let first = Int(kernel.firsts[y]) - rowOffset
                for tap in 0..<Int(kernel.counts[y]) {
                    let k = weights[y * kernel.stride + tap]
                    let line = (first + tap) * rowBytes
                    for i in 0..<rowBytes { acc[i] &+= Int32(source[line + i]) &* k }
                }
                let outLine = y * rowBytes
                for i in 0..<rowBytes { target[outLine + i] = BilinearResampleKernel.clip8(acc[i]) }
            }
        }}}}
        return RGBImage(unchecked: image.width, height: outHeight, pixels: out)
    }
}
