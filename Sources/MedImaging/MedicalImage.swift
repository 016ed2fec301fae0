/// The one image type of the app: every PNG, JPEG and DICOM file ends up as this.
///
/// Pixels are kept as stored (8- or 16-bit, gray or RGB, one or more frames), with the
/// metadata that says how to turn them into modality values (rescale) and display
/// values (window, MONOCHROME1). Display changes — window/level, invert, zoom, pan,
/// frame — are `ImageView` values applied when rendering, never copies of the pixels.
///
/// Signed data (DICOM Pixel Representation 1) is stored as two's-complement bit
/// patterns, already sign-extended from Bits Stored to the sample width, so a
/// `.sixteen` sample 0xFC00 means −1024; `storedValue` returns the signed value.
public struct MedicalImage: Sendable, Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int
    /// Number of frames (1 except for multi-frame DICOM).
    public let frameCount: Int
    /// `.gray` or `.rgb`.
    public let channels: ChannelLayout
    /// All frames, frame-major, then row-major with channels interleaved.
    public let pixels: PixelSamples
    public let metadata: ImageMetadata
    /// Patient name and id: never to be shown to the model or written to logs.
    public let identifiers: ProtectedIdentifiers

    /// Checks the shape; pixels come from decoders, so a mismatch is a programming error.
    public init(width: Int, height: Int, frameCount: Int = 1, channels: ChannelLayout, pixels: PixelSamples,
                metadata: ImageMetadata, identifiers: ProtectedIdentifiers = .none) {
        precondition(width > 0 && height > 0 && frameCount > 0, "an image has at least one pixel and frame")
        precondition(channels == .gray || channels == .rgb, "a MedicalImage is gray or RGB")
        precondition(pixels.count == width * height * frameCount * channels.count, "sample count must match the shape")
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.channels = channels
        self.pixels = pixels
        self.metadata = metadata
        self.identifiers = identifiers
    }

    /// Samples in one frame.
    public var samplesPerFrame: Int { width * height * channels.count }

    /// One stored value (signed where the image is signed); positions are 0-based.
    public func storedValue(x: Int, y: Int, channel: Int = 0, frame: Int = 0) -> Int {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) is outside the image")
        precondition(channel >= 0 && channel < channels.count && frame >= 0 && frame < frameCount, "no such channel or frame")
        return storedValue(at: frame * samplesPerFrame + (y * width + x) * channels.count + channel)
    }

    /// The stored value at a flat sample index, with the sign applied.
    @inline(__always) func storedValue(at index: Int) -> Int {
        switch pixels {
        case .eight(let samples):
            return metadata.isSigned ? Int(Int8(bitPattern: samples[index])) : Int(samples[index])
        case .sixteen(let samples):
            return metadata.isSigned ? Int(Int16(bitPattern: samples[index])) : Int(samples[index])
        }
    }

    /// The modality values of one frame (stored × slope + intercept: Hounsfield units for CT),
    /// row-major; one value per sample, so RGB frames give interleaved R, G, B (not rescaled).
    public func modalityValues(frame: Int = 0) -> [Float] {
        let frame = min(max(frame, 0), frameCount - 1)
        let start = frame * samplesPerFrame
        let rescale = metadata.photometric.isMonochrome ? metadata.rescale : .identity
        return (0..<samplesPerFrame).map { Float(rescale.apply(storedValue(at: start + $0))) }
    }

    /// The smallest and largest modality value in a frame.
    public func modalityRange(frame: Int = 0) -> (low: Double, high: Double) {
        let frame = min(max(frame, 0), frameCount - 1)
        let start = frame * samplesPerFrame
        var low = Int.max, high = Int.min
        for index in start ..< start + samplesPerFrame {
            let value = storedValue(at: index)
            low = min(low, value)
            high = max(high, value)
        }
        let rescale = metadata.photometric.isMonochrome ? metadata.rescale : .identity
        let a = rescale.apply(low), b = rescale.apply(high)
        return (min(a, b), max(a, b))
    }

    /// A summary for logs and debugging; never includes patient identifiers.
    public var description: String {
        var parts = ["\(metadata.format.rawValue)", "\(width)×\(height)"]
        if frameCount > 1 { parts.append("\(frameCount) frames") }
        parts.append("\(metadata.photometric.rawValue) \(metadata.bitsStored)-bit\(metadata.isSigned ? " signed" : "")")
        if let modality = metadata.modality { parts.append(modality) }
        if let bodyPart = metadata.bodyPart { parts.append(bodyPart) }
        return "MedicalImage(" + parts.joined(separator: ", ") + ")"
    }
}
