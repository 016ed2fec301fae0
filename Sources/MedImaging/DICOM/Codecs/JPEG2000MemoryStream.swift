import COpenJPEG

/// One frame's JPEG 2000 bytes as an OpenJPEG input stream, read straight from memory.
///
/// The end of the data is `(OPJ_SIZE_T)-1`, written `~0` here: Swift imports `size_t` as
/// `Int`, so `OPJ_SIZE_T.max` would be 2^63 - 1, which OpenJPEG takes for a byte count
/// (it then reads past its buffer in `opj_end_decompress` on JP2 files).
///
/// OpenJPEG only reads through callbacks (its file stream would need a temporary file);
/// these three serve the buffer and never read past it: a codestream that claims more
/// bytes than it has sees the end of the stream, which OpenJPEG reports as an error.
final class JPEG2000MemoryStream {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    /// `bytes` must outlive the stream (the caller holds it in `withUnsafeBytes`).
    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// An `opj_stream_t` reading this object; the caller destroys it with `opj_stream_destroy`
    /// and keeps this object alive until then.
    func makeStream() -> UnsafeMutablePointer<opj_stream_t?>? {
        guard let stream = opj_stream_create(OPJ_SIZE_T(OPJ_J2K_STREAM_CHUNK_SIZE), 1) else { return nil }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(self).toOpaque(), nil)
        opj_stream_set_user_data_length(stream, OPJ_UINT64(bytes.count))
        opj_stream_set_read_function(stream) { buffer, count, user in
            guard let buffer, let user else { return JPEG2000MemoryStream.endOfStream }
            return Unmanaged<JPEG2000MemoryStream>.fromOpaque(user).takeUnretainedValue().read(into: buffer, count: Int(count))
        }
        opj_stream_set_skip_function(stream) { count, user in
            guard let user else { return -1 }
            return Unmanaged<JPEG2000MemoryStream>.fromOpaque(user).takeUnretainedValue().skip(Int(count))
        }
        opj_stream_set_seek_function(stream) { offset, user in
            guard let user else { return 0 }
            return Unmanaged<JPEG2000MemoryStream>.fromOpaque(user).takeUnretainedValue().seek(to: Int(offset))
        }
        return stream
    }

    /// `(OPJ_SIZE_T)-1`, whether `OPJ_SIZE_T` comes into Swift as `Int` or `UInt`.
    private static let endOfStream = ~OPJ_SIZE_T(0)

    /// Copies up to `count` bytes; `(OPJ_SIZE_T)-1` at the end, as OpenJPEG expects.
    private func read(into buffer: UnsafeMutableRawPointer, count: Int) -> OPJ_SIZE_T {
        let available = bytes.count - position
        guard available > 0 else { return Self.endOfStream }
        let n = min(max(count, 0), available)
        if n > 0, let base = bytes.baseAddress {
            buffer.copyMemory(from: base + position, byteCount: n)
        }
        position += n
        return OPJ_SIZE_T(n)
    }

    /// Skips forward (or back) within the buffer; -1 when that leaves it.
    private func skip(_ count: Int) -> OPJ_OFF_T {
        let target = position + count
        guard target >= 0, target <= bytes.count else { return -1 }
        position = target
        return OPJ_OFF_T(count)
    }

    private func seek(to offset: Int) -> OPJ_BOOL {
        guard offset >= 0, offset <= bytes.count else { return 0 }
        position = offset
        return 1
    }
}
