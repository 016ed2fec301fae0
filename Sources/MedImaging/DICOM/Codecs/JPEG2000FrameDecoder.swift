import COpenJPEG

/// Decodes one JPEG 2000 frame (1.2.840.10008.1.2.4.90 lossless, .91) through OpenJPEG.
///
/// The header is read first (`opj_read_header`) and checked against the Image Pixel module
/// before `opj_decode` allocates tiles, so a codestream claiming 65535 × 65535 stops there.
/// Raw J2K codestreams and JP2 files are both accepted (DICOM says codestream; some writers
/// wrap it). OpenJPEG applies the inverse colour transform (RCT/ICT) itself when the
/// codestream's COD segment asks for it, which is what pydicom returns for YBR_RCT/YBR_ICT.
///
/// The values are pydicom's: the codec's samples as decoded, not masked to Bits Stored
/// (real files carry a J2K precision above Bits Stored), reinterpreted when the codestream's
/// signedness contradicts Pixel Representation (pydicom's `apply_j2k_sign_correction`).
enum JPEG2000FrameDecoder {
    static func decode(_ frame: [UInt8], geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        let format: CODEC_FORMAT
        if frame.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            format = OPJ_CODEC_J2K
        } else if frame.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) {
            format = OPJ_CODEC_JP2
        } else {
            throw .corrupt(source: source, detail: "JPEG 2000 frame starts with neither a codestream (SOC, SIZ) nor a JP2 signature")
        }
        let result: Result<PixelSamples, DICOMError> = frame.withUnsafeBytes { bytes in
            let input = JPEG2000MemoryStream(bytes: bytes)
            let messages = JPEG2000Messages()
            return withExtendedLifetime((input, messages)) {
                guard let stream = input.makeStream() else {
                    return .failure(.corrupt(source: source, detail: "JPEG 2000: OpenJPEG could not create a stream"))
                }
                defer { opj_stream_destroy(stream) }
                guard let codec = opj_create_decompress(format) else {
                    return .failure(.corrupt(source: source, detail: "JPEG 2000: OpenJPEG could not create a decoder"))
                }
                defer { opj_destroy_codec(codec) }
                messages.install(on: codec)
                do throws(DICOMError) {
                    return .success(try decode(stream: stream, codec: codec, messages: messages, geometry: geometry, source: source))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }

    private static func decode(stream: UnsafeMutablePointer<opj_stream_t?>, codec: UnsafeMutablePointer<opj_codec_t?>, messages: JPEG2000Messages,
                               geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> PixelSamples {
        func failure(_ step: String) -> DICOMError {
            .corrupt(source: source, detail: "JPEG 2000 \(step) failed" + (messages.firstError.map { ": \($0)" } ?? ""))
        }
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0 else { throw failure("decoder setup") }
        // Strict: a truncated codestream is an error, not an image with its last tiles missing.
        guard opj_decoder_set_strict_mode(codec, 1) != 0 else { throw failure("decoder setup") }

        var imagePointer: UnsafeMutablePointer<opj_image_t>?
        guard opj_read_header(stream, codec, &imagePointer) != 0, let imagePointer else { throw failure("header") }
        defer { opj_image_destroy(imagePointer) }
        let precision = try checkHeader(imagePointer.pointee, geometry: geometry, source: source)

        guard opj_decode(codec, stream, imagePointer) != 0 else { throw failure("decoding") }
        guard opj_end_decompress(codec, stream) != 0 else { throw failure("decoding") }

        let image = imagePointer.pointee
        let channels = geometry.samplesPerPixel
        var planes: [UnsafeMutablePointer<OPJ_INT32>] = []
        for c in 0..<channels {
            let component = image.comps[c]
            guard let data = component.data, Int(component.w) == geometry.columns, Int(component.h) == geometry.rows else {
                throw .corrupt(source: source, detail: "JPEG 2000 component \(c) decoded to \(component.w)×\(component.h), not \(geometry.columns)×\(geometry.rows)")
            }
            planes.append(data)
        }
        let signed = image.comps[0].sgnd != 0
        if signed == geometry.isSigned {
            return geometry.samples { i in Int(planes[i % channels][i / channels]) }
        }
        return geometry.samples { i in geometry.reinterpreted(Int(planes[i % channels][i / channels]), precision: precision) }
    }

    /// The header against the geometry, before any tile memory exists; returns the precision.
    private static func checkHeader(_ image: opj_image_t, geometry: DICOMFrameGeometry, source: String) throws(DICOMError) -> Int {
        let width = Int(image.x1) - Int(image.x0), height = Int(image.y1) - Int(image.y0)
        let components = Int(image.numcomps)
        guard components >= 1, let comps = image.comps else {
            throw .corrupt(source: source, detail: "JPEG 2000 header has no components")
        }
        let first = comps[0]
        let precision = Int(first.prec), signed = first.sgnd != 0
        let claim = "JPEG 2000 frame is \(width)×\(height), \(components) component(s) of \(precision) bits"
            + (signed ? " signed" : "") + ", the data set says \(geometry.summary)"
        guard width == geometry.columns, height == geometry.rows, components == geometry.samplesPerPixel,
              precision >= 1, precision <= geometry.bitsAllocated else {
            throw .corrupt(source: source, detail: claim)
        }
        for c in 0..<components {
            let comp = comps[c]
            guard comp.dx == 1, comp.dy == 1, Int(comp.prec) == precision, (comp.sgnd != 0) == signed else {
                throw .unsupported(source: source, feature: "JPEG 2000 components with subsampling or differing depths (component \(c): "
                                   + "\(comp.dx)×\(comp.dy) sampling, \(comp.prec) bits)")
            }
        }
        return precision
    }
}
