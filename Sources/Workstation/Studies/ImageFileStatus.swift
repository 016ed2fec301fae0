/// What a study knows about one image file before anything decodes it: whether it is
/// there and can be opened. Checked for every study when the library is scanned, so only
/// existence, type and size are looked at — decoding pixels waits until the image is shown.
public enum ImageFileStatus: Sendable, Equatable {
    case present(bytes: Int)
    case missing
    /// There, but not usable: a folder, empty, not readable, or a link that leads outside
    /// the study folder.
    case unreadable(String)

    public var isPresent: Bool {
        if case .present = self { return true }
        return false
    }
}
