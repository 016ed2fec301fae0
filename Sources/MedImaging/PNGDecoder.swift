import CLibPNG
import Foundation

/// Decodes PNG files with libpng, the only place MedImaging talks to libpng.
///
/// libpng's *simplified* API (`png_image_*`) is used on purpose: the classic API
/// reports errors with `longjmp`, which Swift cannot survive, while the simplified
/// API catches them internally and returns a status plus `png_image.message`.
///
/// Output is 8-bit for 1/2/4/8-bit files (low depths are scaled up, palettes expanded)
/// and 16-bit for 16-bit files; samples are the stored values (see `PNGStructure`
/// for why colour-space chunks are ignored).
///
/// One limitation comes from the simplified API: it only returns 16-bit data as
/// "linear" with the colour premultiplied by alpha. For 16-bit images *with alpha*
/// the colour is divided back out, which is exact for opaque pixels, approximate
/// (within 65535/alpha) for partly transparent ones and 0 where alpha is 0.
/// Alpha itself is always exact. Gray and RGB 16-bit images are unaffected.
public enum PNGDecoder {
    /// The default ceiling on width × height (100 million pixels, at most 800 MB of RGBA16).
    public static let defaultPixelLimit = 100_000_000

    /// Decodes the PNG file at `path`.
    ///
    /// - Parameter maxPixels: images with more pixels are refused from their header,
    ///   before any pixel memory is allocated.
    public static func decode(path: String, maxPixels: Int = defaultPixelLimit) throws(ImageError) -> DecodedImage {
        // Through the one file reader: a FIFO or a folder is refused by kind, a huge file by size.
        switch FileBytes.read(path: path, limit: MedicalImage.defaultByteLimit) {
        case .success(let bytes): return try decode(bytes: bytes, source: path, maxPixels: maxPixels)
        case .failure(let failure): throw .unreadable(source: path, reason: failure.reason(limit: MedicalImage.defaultByteLimit))
        }
    }

    /// Decodes PNG bytes held in memory; `source` names them in error messages.
    public static func decode(bytes: [UInt8], source: String = "<memory>",
                              maxPixels: Int = defaultPixelLimit) throws(ImageError) -> DecodedImage {
        let structure = try PNGStructure(bytes: bytes, source: source, maxPixels: maxPixels)
        // `withUnsafeBytes` is not typed-throws, so the typed error travels in a Result.
        let result = structure.bytesForDecoder.withUnsafeBytes { memory -> Result<DecodedImage, ImageError> in
            do throws(ImageError) {
                return .success(try decode(memory: memory, structure: structure, source: source, maxPixels: maxPixels))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The libpng part; `memory` must stay valid until `png_image_finish_read` returns.
    private static func decode(memory: UnsafeRawBufferPointer, structure: PNGStructure, source: String,
                               maxPixels: Int) throws(ImageError) -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }  // harmless after libpng already freed it

        // Reads only the header and the chunks before the image data.
        guard png_image_begin_read_from_memory(&image, memory.baseAddress, memory.count) != 0 else {
            throw .corrupt(source: source, detail: message(of: image))
        }
        guard Int(image.width) == structure.width, Int(image.height) == structure.height else {
            throw .corrupt(source: source, detail: "libpng read a different size than the header")
        }
        let layout: ChannelLayout
        switch (image.format & PNG_FORMAT_FLAG_COLOR != 0, image.format & PNG_FORMAT_FLAG_ALPHA != 0) {
        case (false, false): layout = .gray
        case (false, true): layout = .grayAlpha
        case (true, false): layout = .rgb
        case (true, true): layout = .rgba
        }
        let sixteenBit = structure.bitDepth == 16
        var format = UInt32(0)
        if layout.isColor { format |= PNG_FORMAT_FLAG_COLOR }
        if layout.hasAlpha { format |= PNG_FORMAT_FLAG_ALPHA }
        if sixteenBit { format |= PNG_FORMAT_FLAG_LINEAR }
        image.format = format  // also clears PNG_FORMAT_FLAG_COLORMAP: palettes are expanded

        // Row stride is counted in samples, and libpng takes it as a 32-bit int.
        let rowSamples = structure.width * layout.count
        let (sampleCount, overflow) = rowSamples.multipliedReportingOverflow(by: structure.height)
        guard !overflow, rowSamples <= Int(Int32.max) else {
            throw .tooLarge(source: source, width: structure.width, height: structure.height, limit: maxPixels)
        }
        let stride = Int32(rowSamples)

        var succeeded = false
        let pixels: PixelSamples
        if sixteenBit {
            var samples = [UInt16](unsafeUninitializedCapacity: sampleCount) { buffer, count in
                succeeded = png_image_finish_read(&image, nil, buffer.baseAddress, stride, nil) != 0
                count = sampleCount
            }
            if succeeded && layout.hasAlpha { unpremultiply(&samples, channels: layout.count) }
            pixels = .sixteen(samples)
        } else {
            pixels = .eight([UInt8](unsafeUninitializedCapacity: sampleCount) { buffer, count in
                succeeded = png_image_finish_read(&image, nil, buffer.baseAddress, stride, nil) != 0
                count = sampleCount
            })
        }
        guard succeeded else { throw classify(message(of: image), source: source) }
        return DecodedImage(width: structure.width, height: structure.height, channels: layout, pixels: pixels)
    }

    /// libpng's error text, copied out of the fixed-size C array in `png_image`.
    private static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "libpng reported an error" : text
    }

    /// Chunk-level truncation is caught by `PNGStructure`; compressed data that stops
    /// short is only noticed by libpng, and is reported as truncation too.
    private static func classify(_ message: String, source: String) -> ImageError {
        let lower = message.lowercased()
        if lower.contains("not enough image data") || lower.contains("end of data") || lower.contains("too short") {
            return .truncated(source: source, detail: message)
        }
        return .corrupt(source: source, detail: message)
    }

    /// Undoes the alpha premultiplication libpng applies to 16-bit ("linear") output.
    private static func unpremultiply(_ samples: inout [UInt16], channels: Int) {
        samples.withUnsafeMutableBufferPointer { buffer in
            var pixel = 0
            while pixel < buffer.count {
                let alpha = UInt32(buffer[pixel + channels - 1])
                if alpha != 0 && alpha != 65535 {
                    for c in 0..<(channels - 1) {
                        let value = (UInt32(buffer[pixel + c]) * 65535 + alpha / 2) / alpha
                        buffer[pixel + c] = UInt16(min(value, 65535))
                    }
                }
                pixel += channels
            }
        }
    }
}
