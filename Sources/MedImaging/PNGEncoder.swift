import CLibPNG
import Foundation

/// Writes a `DecodedImage` as a PNG with libpng, so the product can save "what the
/// model sees" and anyone can open it.
///
/// libpng's *simplified* write API (`png_image_write_to_memory`) is used for the same
/// reason `PNGDecoder` uses the simplified read API: errors come back as a status and
/// a message instead of a `longjmp`. The image is encoded in memory and then written
/// atomically (see `PNGEncoder+AtomicWrite.swift`), so a crash or full disk never
/// leaves a half-written file under the final name.
///
/// Samples are written exactly as stored: 8-bit gray, gray+alpha, RGB and RGBA, and
/// 16-bit gray and RGB. libpng tags its output with colour-space chunks (sRGB for
/// 8-bit, gAMA 1.0 and cHRM for 16-bit, which would make viewers show 16-bit gray far
/// too bright); those chunks are removed, matching `PNGDecoder`, which ignores them.
/// 16-bit images with alpha are refused: the simplified API expects premultiplied
/// 16-bit input, and dividing it back out on the way in would lose precision.
public enum PNGEncoder {
    /// Encodes `image` and writes it to `path` atomically (temporary file in the same
    /// folder, fsync, rename). An existing file at `path` is replaced.
    public static func write(_ image: DecodedImage, to path: String) throws(PNGEncoderError) {
        let bytes = try encode(image, destination: path)
        try writeAtomically(bytes, to: path)
    }

    /// The PNG file's bytes; `destination` names the output in error messages.
    public static func encode(_ image: DecodedImage, destination: String = "<memory>") throws(PNGEncoderError) -> [UInt8] {
        let layout = image.channels
        if image.bitDepth == 16 && layout.hasAlpha {
            throw .unsupportedLayout(destination: destination, channels: layout, bitDepth: 16)
        }
        // libpng takes the row stride, counted in samples, as a 32-bit int.
        let (rowSamples, overflow) = image.width.multipliedReportingOverflow(by: layout.count)
        guard !overflow, rowSamples <= Int(Int32.max), image.height <= Int(UInt32.max) else {
            throw .tooLarge(destination: destination, width: image.width, height: image.height)
        }

        var format = UInt32(0)
        if layout.isColor { format |= PNG_FORMAT_FLAG_COLOR }
        if layout.hasAlpha { format |= PNG_FORMAT_FLAG_ALPHA }
        if image.bitDepth == 16 { format |= PNG_FORMAT_FLAG_LINEAR }

        let result: Result<[UInt8], PNGEncoderError>
        switch image.pixels {
        case .eight(let samples):
            result = samples.withUnsafeBytes {
                encode(pixels: $0, width: image.width, height: image.height, format: format,
                       stride: Int32(rowSamples), destination: destination)
            }
        case .sixteen(let samples):
            result = samples.withUnsafeBytes {
                encode(pixels: $0, width: image.width, height: image.height, format: format,
                       stride: Int32(rowSamples), destination: destination)
            }
        }
        let encoded = try result.get()
        // Drop libpng's colour-space chunks (see the type's documentation).
        do throws(ImageError) {
            return try PNGStructure(bytes: encoded, source: destination, maxPixels: Int.max).bytesForDecoder
        } catch {
            throw .encodingFailed(destination: destination, detail: "libpng wrote an unreadable PNG (\(error))")
        }
    }

    /// The libpng part: a sizing pass, then the real write into a buffer of that size.
    private static func encode(pixels: UnsafeRawBufferPointer, width: Int, height: Int, format: UInt32,
                               stride: Int32, destination: String) -> Result<[UInt8], PNGEncoderError> {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        defer { png_image_free(&image) }

        var size = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, nil) != 0, size > 0 else {
            return .failure(.encodingFailed(destination: destination, detail: message(of: image)))
        }
        var succeeded = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var written = size
            succeeded = png_image_write_to_memory(&image, buffer.baseAddress, &written, 0,
                                                  pixels.baseAddress, stride, nil) != 0
            count = succeeded ? min(written, size) : 0
        }
        guard succeeded else {
            return .failure(.encodingFailed(destination: destination, detail: message(of: image)))
        }
        return .success(bytes)
    }

    /// libpng's error text, copied out of the fixed-size C array in `png_image`.
    private static func message(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "libpng reported an error" : text
    }
}
