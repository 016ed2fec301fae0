import COpenJPEG

/// What OpenJPEG said while decoding: kept, not printed.
///
/// OpenJPEG's default handlers write to stderr, which would draw over the terminal UI;
/// the first error becomes part of the one-line `DICOMError` instead, warnings are dropped.
final class JPEG2000Messages {
    private(set) var firstError: String?

    /// Installs the handlers on `codec`; this object must outlive the codec.
    func install(on codec: UnsafeMutablePointer<opj_codec_t?>) {
        let user = Unmanaged.passUnretained(self).toOpaque()
        _ = opj_set_error_handler(codec, { message, user in
            guard let user else { return }
            let messages = Unmanaged<JPEG2000Messages>.fromOpaque(user).takeUnretainedValue()
            if messages.firstError == nil, let message {
                var text = String(cString: message)
                while text.last?.isWhitespace == true { text.removeLast() }
                messages.firstError = text
            }
        }, user)
        _ = opj_set_warning_handler(codec, { _, _ in }, user)
        _ = opj_set_info_handler(codec, { _, _ in }, user)
    }
}
