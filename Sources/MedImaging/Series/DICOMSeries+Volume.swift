/// Decoding a series' pixels on demand: one slice for display, or every slice stacked
/// as a volume for export.
extension DICOMSeries {
    /// Decodes slice `index`'s file; `frame` is the frame of that image to show (0 for a
    /// single-frame file). A multi-frame file is decoded whole.
    public func loadSlice(_ index: Int, limits: DICOMSeriesLimits = .default) throws(DICOMSeriesError)
        -> (image: MedicalImage, frame: Int) {
        precondition(slices.indices.contains(index), "slice \(index) is outside the series")
        let slice = slices[index]
        let image = try Self.decode(slice.header.path, limits: limits)
        let frame = slice.frame ?? 0
        guard frame < image.frameCount else {
            throw .mismatch(source: slice.header.path, detail: "it has \(image.frameCount) frame(s), the header said \(slice.header.frames)")
        }
        return (image, frame)
    }

    /// All slices in order as one image whose frames are the slices: samples as stored,
    /// metadata (rescale, windows, tags) from the first slice. The size is checked
    /// against `limits.maxVolumePixels` from the headers before anything is decoded, and
    /// every decoded slice must match the first in size, samples, bit depth and sign.
    public func loadVolume(limits: DICOMSeriesLimits = .default) throws(DICOMSeriesError) -> MedicalImage {
        let first = self.first
        let multiFrame = slices[0].frame != nil
        let source = slices.count == 1 || multiFrame ? first.path : "series \(seriesInstanceUID ?? first.fileName)"
        let (framePixels, overflow1) = first.rows.multipliedReportingOverflow(by: first.columns)
        let (pixels, overflow2) = framePixels.multipliedReportingOverflow(by: slices.count)
        guard slices.count <= limits.maxSlices, !overflow1, !overflow2, pixels <= limits.maxVolumePixels else {
            throw .tooLarge(source: source, detail: "\(first.columns)×\(first.rows) pixels × \(slices.count) slices "
                            + "exceeds the limit of \(limits.maxVolumePixels) pixels")
        }
        for slice in slices {
            let h = slice.header
            if h.rows != first.rows || h.columns != first.columns {
                throw .mismatch(source: h.path, detail: "\(h.columns)×\(h.rows) pixels where the first slice has \(first.columns)×\(first.rows)")
            }
            if h.samplesPerPixel != first.samplesPerPixel || h.bitsAllocated != first.bitsAllocated || h.isSigned != first.isSigned {
                throw .mismatch(source: h.path, detail: "\(Self.sampleText(h)) samples where the first slice has \(Self.sampleText(first))")
            }
        }
        if multiFrame {
            return try Self.frames(of: Self.decode(first.path, limits: limits), in: slices.map { $0.frame ?? 0 }, source: first.path)
        }
        var reference: MedicalImage?
        var eight: [UInt8] = [], sixteen: [UInt16] = []
        for slice in slices {
            let image = try Self.decode(slice.header.path, limits: limits)
            if let reference {
                guard image.width == reference.width, image.height == reference.height, image.channels == reference.channels,
                      image.pixels.bitDepth == reference.pixels.bitDepth, image.metadata.isSigned == reference.metadata.isSigned,
                      image.frameCount == 1 else {
                    throw .mismatch(source: slice.header.path, detail: "decoded as \(image), the first slice as \(reference)")
                }
            } else {
                reference = image
                let samples = pixels * image.channels.count
                if image.pixels.bitDepth == 8 { eight.reserveCapacity(samples) } else { sixteen.reserveCapacity(samples) }
            }
            switch image.pixels {
            case .eight(let samples): eight += samples
            case .sixteen(let samples): sixteen += samples
            }
        }
        guard let reference else { preconditionFailure("a series has at least one slice") }
        return MedicalImage(width: reference.width, height: reference.height, frameCount: slices.count,
                            channels: reference.channels, pixels: reference.pixels.bitDepth == 8 ? .eight(eight) : .sixteen(sixteen),
                            metadata: reference.metadata, identifiers: reference.identifiers)
    }

    /// A multi-frame image's frames in `order` (the series' sorted order).
    static func frames(of image: MedicalImage, in order: [Int], source: String) throws(DICOMSeriesError) -> MedicalImage {
        guard order.allSatisfy({ $0 < image.frameCount }), image.frameCount == order.count else {
            throw .mismatch(source: source, detail: "it has \(image.frameCount) frame(s), the header said \(order.count)")
        }
        if order == Array(0..<image.frameCount) { return image }
        let per = image.samplesPerFrame
        let pixels: PixelSamples
        switch image.pixels {
        case .eight(let samples): pixels = .eight(order.flatMap { samples[$0 * per ..< ($0 + 1) * per] })
        case .sixteen(let samples): pixels = .sixteen(order.flatMap { samples[$0 * per ..< ($0 + 1) * per] })
        }
        return MedicalImage(width: image.width, height: image.height, frameCount: order.count, channels: image.channels,
                            pixels: pixels, metadata: image.metadata, identifiers: image.identifiers)
    }

    /// One file, read (following links) and decoded; errors name the file.
    static func decode(_ path: String, limits: DICOMSeriesLimits) throws(DICOMSeriesError) -> MedicalImage {
        do throws(DICOMError) {
            return try DICOMDecoder.decode(path: path, maxBytes: limits.maxFileBytes)
        } catch {
            throw .slice(error)
        }
    }

    private static func sampleText(_ h: DICOMSliceHeader) -> String {
        "\(h.samplesPerPixel)×\(h.bitsAllocated)-bit\(h.isSigned ? " signed" : "")"
    }
}
