/// One frame of JPEG Baseline (1.2.840.10008.1.2.4.50, 8-bit) through the libjpeg-turbo
/// wrapper `JPEGDecoder`, giving the bytes of pydicom's `pixel_array`.
///
/// pydicom 3 decodes this syntax with GDCM first (its plugin order), and GDCM never lets
/// libjpeg convert colours: it returns the coded components, and pydicom turns YBR_FULL and
/// YBR_FULL_422 into RGB with its own float arithmetic. libjpeg would instead convert YCbCr
/// with its integer tables (off by one here and there), so the codestream's JFIF and Adobe
/// markers are neutralised (`JPEGFrameHeader.withoutColourTransform`) and `YBRFullToRGB`
/// does pydicom's conversion. Like pydicom, component IDs "RGB" mean RGB and a JFIF marker
/// means YBR, whatever the Photometric Interpretation says.
///
/// The frame header is checked against the DICOM geometry before libjpeg runs, so a frame
/// claiming 65535 × 65535 is refused without allocating.
enum JPEGBaselineFrameDecoder {
    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        let header = try JPEGFrameHeader(bytes: frame, source: source)
        guard header.width == geometry.columns, header.height == geometry.rows,
              header.componentIDs.count == geometry.samplesPerPixel else {
            throw .corrupt(source: source, detail: "JPEG frame is \(header.width)×\(header.height) with \(header.componentIDs.count) "
                           + "component(s), the DICOM header says \(geometry.columns)×\(geometry.rows) with \(geometry.samplesPerPixel)")
        }
        guard header.precision == 8, geometry.bitsAllocated == 8 else {
            throw .unsupported(source: source, feature: "\(header.precision)-bit JPEG in \(geometry.bitsAllocated) bits allocated "
                               + "(JPEG Baseline is 8-bit)")
        }
        let colour = geometry.samplesPerPixel == 3
        let convertYBR = colour && Self.isYBR(header: header, photometric: geometry.photometricInterpretation)
        let input = colour ? header.withoutColourTransform(frame) : frame
        let decoded: DecodedImage
        do throws(ImageError) {
            decoded = try JPEGDecoder.decode(bytes: input, source: source, maxPixels: geometry.rows * geometry.columns)
        } catch {
            throw Self.dicomError(error, source: source)
        }
        guard case .eight(var samples) = decoded.pixels, samples.count == geometry.sampleCount else {
            throw .corrupt(source: source, detail: "JPEG frame decoded to \(decoded.pixels.count) samples, "
                           + "\(geometry.sampleCount) expected")
        }
        if convertYBR { YBRFullToRGB.convert(&samples) }
        if geometry.bitsStored < 8 || geometry.isSigned {
            let fix = DICOMPixelDecoder.bitFixer(bitsStored: geometry.bitsStored, width: 8, signed: geometry.isSigned)
            samples = samples.map { UInt8(truncatingIfNeeded: fix(Int($0))) }
        }
        return .eight(samples)
    }

    /// pydicom's reading of a three-component frame (`_conform_jpg_colorspace`): "RGB" or "rgb"
    /// component IDs are RGB; otherwise a JFIF marker or a YBR_FULL(_422) interpretation is YBR.
    private static func isYBR(header: JPEGFrameHeader, photometric: String) -> Bool {
        if header.componentIDs == Array("RGB".utf8) || header.componentIDs == Array("rgb".utf8) { return false }
        if header.hasJFIF { return true }
        return photometric == "YBR_FULL" || photometric == "YBR_FULL_422"
    }

    /// The wrapper's JPEG error as a DICOM one, prefixed so the message says it was a frame.
    private static func dicomError(_ error: ImageError, source: String) -> DICOMError {
        switch error {
        case .truncatedJPEG(_, let detail), .truncated(_, let detail):
            return .truncated(source: source, detail: "JPEG frame: \(detail)")
        case .unsupportedJPEG(_, let detail):
            return .unsupported(source: source, feature: "JPEG frame: \(detail)")
        case .tooLarge(_, let width, let height, let limit):
            return .tooLarge(source: source, detail: "JPEG frame is \(width)×\(height), over \(limit) pixels")
        case .corruptJPEG(_, let detail), .corrupt(_, let detail):
            return .corrupt(source: source, detail: "JPEG frame: \(detail)")
        default:
            return .corrupt(source: source, detail: "JPEG frame: \(error.description.dropFirst(source.count + 2))")
        }
    }
}
