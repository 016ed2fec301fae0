/// A pure-Swift walk over a PNG's chunk list, done before libpng sees the bytes.
///
/// It exists for three reasons:
/// * the header (IHDR) is read and the pixel limit enforced before anything is
///   allocated, so a 100000×100000 header is refused up front;
/// * truncation and garbage are reported with a precise, stable message rather
///   than whatever libpng happens to say;
/// * colour-space chunks (gAMA, cHRM, sRGB, iCCP) are dropped, because libpng's
///   simplified API would otherwise gamma-convert samples, and medical images must
///   be read as stored. Dropping whole chunks needs no CRC recomputation.
struct PNGStructure {
    /// The eight bytes every PNG starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Chunks that only describe colour management; see the type's documentation.
    private static let colourSpaceChunks: Set<String> = ["gAMA", "cHRM", "sRGB", "iCCP"]

    let width: Int
    let height: Int
    /// Bits per sample as stored: 1, 2, 4, 8 or 16.
    let bitDepth: Int
    /// PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    let colourType: Int
    let interlaced: Bool
    /// The bytes to hand to libpng: the input up to IEND, minus colour-space chunks.
    let bytesForDecoder: [UInt8]

    /// Validates the chunk structure; throws before any pixel memory is allocated.
    init(bytes: [UInt8], source: String, maxPixels: Int) throws(ImageError) {
        if bytes.isEmpty { throw .empty(source: source) }
        let sigLength = Self.signature.count
        guard bytes.count >= sigLength else {
            if bytes.elementsEqual(Self.signature.prefix(bytes.count)) {
                throw .truncated(source: source, detail: "ends inside the signature after \(bytes.count) bytes")
            }
            throw .notPNG(source: source)
        }
        guard bytes[0..<sigLength].elementsEqual(Self.signature) else { throw .notPNG(source: source) }

        var offset = sigLength
        var header: (width: Int, height: Int, depth: Int, type: Int, interlaced: Bool)?
        var sawImageData = false
        var sawEnd = false
        var dropped: [Range<Int>] = []

        while offset < bytes.count {
            guard bytes.count - offset >= 8 else {
                throw .truncated(source: source, detail: "ends inside a chunk header at byte \(bytes.count)")
            }
            let length = Self.bigEndian32(bytes, at: offset)
            let typeBytes = bytes[(offset + 4)..<(offset + 8)]
            guard length <= 0x7FFF_FFFF,
                  typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw .corrupt(source: source, detail: "invalid chunk at byte \(offset)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let chunkEnd = offset + 12 + length  // length + type + data + CRC
            guard chunkEnd <= bytes.count else {
                throw .truncated(source: source, detail: "ends inside the \(type) chunk at byte \(bytes.count)")
            }

            if header == nil {
                guard type == "IHDR", length == 13 else {
                    throw .corrupt(source: source, detail: "the first chunk is \(type), not a 13-byte IHDR")
                }
                let data = offset + 8
                let width = Self.bigEndian32(bytes, at: data)
                let height = Self.bigEndian32(bytes, at: data + 4)
                guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
                    throw .corrupt(source: source, detail: "invalid image size \(width)×\(height)")
                }
                // Checked here, before libpng runs and before the pixel buffer exists.
                let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
                guard !overflow, pixels <= maxPixels else {
                    throw .tooLarge(source: source, width: width, height: height, limit: maxPixels)
                }
                header = (width, height, Int(bytes[data + 8]), Int(bytes[data + 9]), bytes[data + 12] != 0)
            } else if type == "IDAT" {
                sawImageData = true
            } else if type == "IEND" {
                sawEnd = true
                offset = chunkEnd
                break
            } else if Self.colourSpaceChunks.contains(type) {
                dropped.append(offset..<chunkEnd)
            }
            offset = chunkEnd
        }

        guard let header else {
            throw .truncated(source: source, detail: "ends after the signature, before the IHDR header")
        }
        guard sawEnd else {
            throw .truncated(source: source, detail: "no IEND chunk; the file ends at byte \(bytes.count)")
        }
        guard sawImageData else { throw .corrupt(source: source, detail: "no IDAT image data") }

        width = header.width
        height = header.height
        bitDepth = header.depth
        colourType = header.type
        interlaced = header.interlaced
        if dropped.isEmpty && offset == bytes.count {
            bytesForDecoder = bytes
        } else {
            var kept: [UInt8] = []
            kept.reserveCapacity(offset)
            var cursor = 0
            for range in dropped {
                kept += bytes[cursor..<range.lowerBound]
                cursor = range.upperBound
            }
            kept += bytes[cursor..<offset]
            bytesForDecoder = kept
        }
    }

    private static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
    }
}
