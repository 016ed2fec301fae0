import CZlib

/// Raw DEFLATE (RFC 1951) decoding for the Deflated Explicit VR Little Endian syntax,
/// through zlib (`CZlib`): the decoder every other DICOM toolkit uses, kept by others.
///
/// What this wrapper adds is the bound: a "deflate bomb" expands about 1000:1, so the
/// output, not the input size, is what must be capped. zlib writes into a fixed 64 KiB
/// window at a time and the result is refused as soon as it would pass `limit` bytes, so
/// memory never exceeds `limit` plus one window whatever the stream claims.
enum DICOMInflater {
    enum Failure: Error, Equatable {
        /// The stream stops before its final block ends.
        case truncated
        /// zlib found the stream invalid; its message.
        case corrupt(String)
        /// The output would pass the limit.
        case tooLarge
    }

    private static let window = 1 << 16

    /// Inflates the raw DEFLATE stream starting at `bytes[start]`; bytes after the stream's
    /// final block are ignored (writers may pad the data set to even length).
    static func inflate(_ bytes: [UInt8], from start: Int, limit: Int) throws(Failure) -> [UInt8] {
        guard start >= 0, start <= bytes.count else { throw .truncated }
        var stream = z_stream()
        guard czlib_inflate_init_raw(&stream) == Z_OK else { throw .corrupt("zlib could not start an inflater") }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: window)
        var status: Int32 = Z_OK
        var failure: Failure?
        bytes.withUnsafeBufferPointer { input in
            // zlib's next_in is non-const (it never writes through it).
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + start })
            // A Part 10 file is read with a 2 GiB limit, so the remaining count fits in uInt.
            stream.avail_in = uInt(clamping: input.count - start)
            chunk.withUnsafeMutableBufferPointer { out in
                while true {
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = out.count - Int(stream.avail_out)
                    if produced > limit - output.count { failure = .tooLarge; return }
                    output.append(contentsOf: out[0..<produced])
                    switch status {
                    case Z_STREAM_END:
                        return
                    case Z_OK:
                        continue
                    case Z_BUF_ERROR:
                        // No progress possible with a fresh output window: the input ran out.
                        failure = .truncated; return
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                        failure = .corrupt(message); return
                    }
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
