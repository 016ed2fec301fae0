import CLibJPEG
import Foundation

/// Decodes JPEG files with libjpeg-turbo, the only place MedImaging talks to it.
///
/// The TurboJPEG API (`tj*`) is used on purpose: libjpeg's classic API reports errors
/// with `longjmp`, which Swift cannot survive, while TurboJPEG catches them and
/// returns -1 plus a message. Debian bookworm ships libjpeg-turbo 2.1, so this uses
/// the 2.1 functions (`tjDecompress2`), which 3.x still provides.
///
/// Output: 8-bit gray for one-component files, 8-bit RGB for YCbCr and RGB files,
/// decoded with the accurate integer IDCT and smooth ("fancy") chroma upsampling,
/// libjpeg's defaults, which is also what Pillow does. CMYK/YCCK, 12-bit, lossless
/// and hierarchical files are refused with `unsupportedJPEG`.
///
/// Strictness: any libjpeg *warning* is an error. libjpeg would otherwise decode a
/// truncated file with the missing part filled gray, or skip garbage between markers,
/// and a silently damaged medical image is worse than a clear refusal.
///
/// Not done: EXIF orientation is ignored; pixels are returned in stored order.
public enum JPEGDecoder {
    /// The default ceiling on width × height, the same as `PNGDecoder`'s.
    public static let defaultPixelLimit = PNGDecoder.defaultPixelLimit

    /// Files larger than this are not read at all (no real JPEG of an allowed size is this big).
    public static let maxFileBytes = 1 << 30

    /// Decodes the JPEG file at `path`.
    ///
    /// - Parameter maxPixels: images with more pixels are refused from their frame
    ///   header, before any pixel memory is allocated.
    public static func decode(path: String, maxPixels: Int = defaultPixelLimit) throws(ImageError) -> DecodedImage {
        // Through the one file reader: a FIFO or a folder is refused by kind, a huge file by size.
        switch FileBytes.read(path: path, limit: maxFileBytes) {
        case .success(let bytes): return try decode(bytes: bytes, source: path, maxPixels: maxPixels)
        case .failure(let failure): throw .unreadable(source: path, reason: failure.reason(limit: maxFileBytes))
        }
    }

    /// Decodes JPEG bytes held in memory; `source` names them in error messages.
    public static func decode(data: Data, source: String = "<memory>",
                              maxPixels: Int = defaultPixelLimit) throws(ImageError) -> DecodedImage {
        try decode(bytes: [UInt8](data), source: source, maxPixels: maxPixels)
    }

    /// Decodes JPEG bytes held in memory; `source` names them in error messages.
    public static func decode(bytes: [UInt8], source: String = "<memory>",
                              maxPixels: Int = defaultPixelLimit) throws(ImageError) -> DecodedImage {
        let structure = try JPEGStructure(bytes: bytes, source: source, maxPixels: maxPixels)
        let layout: ChannelLayout = structure.components == 1 ? .gray : .rgb
        // width, height ≤ 65535 (16-bit fields), so neither product can overflow.
        let sampleCount = structure.width * structure.height * layout.count

        guard let handle = tjInitDecompress() else {
            throw .corruptJPEG(source: source, detail: "libjpeg-turbo could not start a decompressor")
        }
        defer { tjDestroy(handle) }

        let pixelFormat = Int32(layout == .gray ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue)
        // LIMITSCANS stops a crafted progressive file with thousands of scans from running for minutes.
        let flags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
        var status: Int32 = -1
        // Zero-filled rather than uninitialized: should libjpeg ever write fewer rows than
        // asked, the result is black, never leftover memory.
        var samples = [UInt8](repeating: 0, count: sampleCount)
        bytes.withUnsafeBufferPointer { input in
            samples.withUnsafeMutableBufferPointer { output in
                // Asking for exactly the frame's size means scale 1/1, and TurboJPEG never
                // writes more than width × height pixels into `output`.
                status = tjDecompress2(handle, input.baseAddress, UInt(input.count), output.baseAddress,
                                       Int32(structure.width), 0, Int32(structure.height), pixelFormat, flags)
            }
        }
        guard status == 0 else { throw classify(message(of: handle), source: source) }
        return DecodedImage(width: structure.width, height: structure.height, channels: layout, pixels: .eight(samples))
    }

    /// TurboJPEG's text for the last error on `handle`.
    private static func message(of handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "libjpeg-turbo reported an error" }
        let message = String(cString: text)
        return message.isEmpty ? "libjpeg-turbo reported an error" : message
    }

    /// Marker truncation is caught by `JPEGStructure`; entropy-coded data that stops
    /// short is only noticed by libjpeg ("Premature end of JPEG file").
    private static func classify(_ message: String, source: String) -> ImageError {
        let lower = message.lowercased()
        if lower.contains("premature end") {
            return .truncatedJPEG(source: source, detail: message)
        }
        if lower.contains("unsupported") {
            return .unsupportedJPEG(source: source, detail: message)
        }
        return .corruptJPEG(source: source, detail: message)
    }
}
