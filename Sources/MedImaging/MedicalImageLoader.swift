/// The one entry point that opens any supported image file.
extension MedicalImage {
    /// Default ceiling on file size (2 GiB); the file is read into memory once.
    public static let defaultByteLimit = 1 << 31

    /// Opens a PNG, JPEG or DICOM file, chosen by content, not by name:
    /// PNG signature, JPEG SOI (FF D8 FF), or "DICM" after the 128-byte preamble.
    public static func load(path: String, maxPixels: Int = DICOMDecoder.defaultPixelLimit,
                            maxBytes: Int = defaultByteLimit) throws(ImageLoadError) -> MedicalImage {
        let bytes: [UInt8]
        switch FileBytes.read(path: path, limit: maxBytes) {
        case .success(let read): bytes = read
        case .failure(let failure): throw .unreadable(source: path, reason: failure.reason(limit: maxBytes))
        }
        return try load(bytes: bytes, source: path, maxPixels: maxPixels)
    }

    /// Same as `load(path:)` for bytes in memory; `source` names them in errors.
    public static func load(bytes: [UInt8], source: String = "<memory>",
                            maxPixels: Int = DICOMDecoder.defaultPixelLimit) throws(ImageLoadError) -> MedicalImage {
        guard !bytes.isEmpty else { throw .empty(source: source) }
        switch sniff(bytes) {
        case .png?:
            do throws(ImageError) {
                return MedicalImage(decoded: try PNGDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels), format: .png)
            } catch { throw .png(error) }
        case .dicom?:
            do throws(DICOMError) {
                return try DICOMDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels)
            } catch { throw .dicom(error) }
        case .jpeg?:
            return try loadJPEG(bytes: bytes, source: source, maxPixels: maxPixels)
        case nil:
            throw .unknownFormat(source: source)
        }
    }

    /// The format the leading bytes announce, if any.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count >= 132, bytes[128] == 0x44, bytes[129] == 0x49, bytes[130] == 0x43, bytes[131] == 0x4D { return .dicom }
        return nil
    }

    private static func loadJPEG(bytes: [UInt8], source: String, maxPixels: Int) throws(ImageLoadError) -> MedicalImage {
        do throws(ImageError) {
            return MedicalImage(decoded: try JPEGDecoder.decode(bytes: bytes, source: source, maxPixels: maxPixels), format: .jpeg)
        } catch { throw .jpeg(error) }
    }
}
