import CCharLS

/// Decodes one JPEG-LS frame (1.2.840.10008.1.2.4.80 lossless, .81 near-lossless) through CharLS.
///
/// CharLS reads the header first; size, component count and bits per sample are checked
/// against the Image Pixel module, and the destination is sized from the geometry (CharLS's
/// own size must agree) before anything is decoded. CharLS returns error codes through its
/// C API, so a damaged codestream is an error naming the file, never an exception.
///
/// Values follow pydicom: JPEG-LS has no notion of sign, so for Pixel Representation 1 the
/// decoded `P`-bit values are sign-extended from the codestream's precision (pydicom's
/// `apply_jls_sign_correction`); unsigned values are kept as decoded. Three components come
/// back interleaved whatever the scan's interleave mode (CharLS gives planes for mode none).
///
/// A frame must end with its EOI marker (FF D9, then at most DICOM's zero padding): CharLS
/// 2.4 spends seconds on a 64 × 64 codestream cut off inside its scan before failing, so a
/// frame that cannot be complete is refused before CharLS sees it. (In a JPEG-LS scan an FF
/// byte is always followed by one below 0x80, so FF D9 can only be the real end.)
enum JPEGLSFrameDecoder {
    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        guard let decoder = charls_jpegls_decoder_create() else {
            throw .corrupt(source: source, detail: "JPEG-LS: CharLS could not create a decoder")
        }
        defer { charls_jpegls_decoder_destroy(decoder) }
        var end = frame.count
        while end > 0, frame[end - 1] == 0 { end -= 1 }
        guard end >= 4, frame[end - 2] == 0xFF, frame[end - 1] == 0xD9 else {
            throw .truncated(source: source, detail: "JPEG-LS frame of \(frame.count) bytes does not end with its EOI marker (FF D9)")
        }
        let result = frame[..<end].withUnsafeBytes { bytes -> Result<PixelSamples, DICOMError> in
            do throws(DICOMError) {
                return .success(try decode(bytes, decoder: decoder, geometry: geometry, source: source))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, decoder: OpaquePointer, geometry: DICOMFrameGeometry,
                               source: String) throws(DICOMError) -> PixelSamples {
        func failure(_ step: String, _ code: charls_jpegls_errc) -> DICOMError {
            let text = charls_get_error_message(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
            if code == CHARLS_JPEGLS_ERRC_SOURCE_BUFFER_TOO_SMALL {
                return .truncated(source: source, detail: "JPEG-LS \(step): \(text)")
            }
            return .corrupt(source: source, detail: "JPEG-LS \(step) failed: \(text)")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw .truncated(source: source, detail: "JPEG-LS frame is empty")
        }
        var code = charls_jpegls_decoder_set_source_buffer(decoder, base, bytes.count)
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("input", code) }
        code = charls_jpegls_decoder_read_header(decoder)
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("header", code) }
        var info = charls_frame_info()
        code = charls_jpegls_decoder_get_frame_info(decoder, &info)
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("header", code) }
        var interleave = CHARLS_INTERLEAVE_MODE_NONE
        code = charls_jpegls_decoder_get_interleave_mode(decoder, &interleave)
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("header", code) }

        let precision = Int(info.bits_per_sample), components = Int(info.component_count)
        guard Int(info.width) == geometry.columns, Int(info.height) == geometry.rows, components == geometry.samplesPerPixel,
              precision >= 2, precision <= geometry.bitsAllocated else {
            throw .corrupt(source: source, detail: "JPEG-LS frame is \(info.width)×\(info.height), \(components) component(s) of "
                           + "\(precision) bits, the data set says \(geometry.summary)")
        }
        let bytesPerSample = precision <= 8 ? 1 : 2
        let size = geometry.sampleCount * bytesPerSample
        var needed = 0
        code = charls_jpegls_decoder_get_destination_size(decoder, 0, &needed)
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("header", code) }
        guard needed == size else {
            throw .corrupt(source: source, detail: "JPEG-LS decoder wants \(needed) bytes for a frame of \(size)")
        }
        var raw = [UInt8](repeating: 0, count: size)
        code = raw.withUnsafeMutableBytes { out in
            guard let destination = out.baseAddress else { return CHARLS_JPEGLS_ERRC_INVALID_ARGUMENT }
            return charls_jpegls_decoder_decode_to_buffer(decoder, destination, size, 0)
        }
        guard code == CHARLS_JPEGLS_ERRC_SUCCESS else { throw failure("decoding", code) }
        return samples(raw, bytesPerSample: bytesPerSample, precision: precision,
                       planar: interleave == CHARLS_INTERLEAVE_MODE_NONE && components > 1, geometry: geometry)
    }

    /// CharLS's native-endian output as interleaved samples, sign-extended when signed.
    private static func samples(_ raw: [UInt8], bytesPerSample: Int, precision: Int, planar: Bool,
                                geometry: DICOMFrameGeometry) -> PixelSamples {
        let channels = geometry.samplesPerPixel, pixels = geometry.rows * geometry.columns
        return raw.withUnsafeBytes { bytes in
            @inline(__always) func value(_ i: Int) -> Int {
                let at = planar ? (i % channels) * pixels + i / channels : i
                let v = bytesPerSample == 1 ? Int(bytes[at]) : Int(bytes.load(fromByteOffset: 2 * at, as: UInt16.self))
                return geometry.isSigned ? geometry.reinterpreted(v, precision: precision) : v
            }
            return geometry.samples(value)
        }
    }
}
