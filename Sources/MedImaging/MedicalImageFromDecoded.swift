/// PNG and JPEG decoders return `DecodedImage`; this brings them into the one image type.
extension MedicalImage {
    /// Wraps decoded PNG/JPEG pixels. Alpha is dropped (the stored colour is kept):
    /// medical images are opaque, and the model and the viewer take gray or RGB.
    public init(decoded image: DecodedImage, format: ImageFormat) {
        let keep = image.channels.isColor ? 3 : 1
        let stride = image.channels.count
        let layout: ChannelLayout = image.channels.isColor ? .rgb : .gray
        let pixels: PixelSamples
        switch image.pixels {
        case .eight(let samples):
            pixels = .eight(stride == keep ? samples : Self.dropAlpha(samples, stride: stride, keep: keep))
        case .sixteen(let samples):
            pixels = .sixteen(stride == keep ? samples : Self.dropAlpha(samples, stride: stride, keep: keep))
        }
        let metadata = ImageMetadata(format: format, bitsStored: image.bitDepth,
                                     photometric: layout == .rgb ? .rgb : .monochrome2)
        self.init(width: image.width, height: image.height, channels: layout, pixels: pixels, metadata: metadata)
    }

    private static func dropAlpha<Sample>(_ samples: [Sample], stride: Int, keep: Int) -> [Sample] {
        var result: [Sample] = []
        result.reserveCapacity(samples.count / stride * keep)
        var index = 0
        while index + stride <= samples.count {
            result.append(contentsOf: samples[index ..< index + keep])
            index += stride
        }
        return result
    }
}
