import Support

/// Why a DICOM file could not be read.
///
/// Every case carries the source (a file path, or a label for in-memory bytes) so that
/// `description` alone is a complete one-line message, fit for the case pane or a log.
/// Messages never quote patient identifiers: only tags, offsets, sizes and UIDs.
public enum DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read (missing, a directory, no permission).
    case unreadable(source: String, reason: String)
    /// The input has no bytes at all.
    case empty(source: String)
    /// No "DICM" marker after the 128-byte preamble: not a DICOM Part 10 file.
    case notDICOM(source: String)
    /// The input ends before an element, a sequence or the pixel data does.
    case truncated(source: String, detail: String)
    /// The file, or the pixel matrix its header claims, is over the configured limit.
    case tooLarge(source: String, detail: String)
    /// A valid DICOM feature this reader does not handle, named, e.g. "JPEG 2000 (1.2.840.10008.1.2.4.90)".
    case unsupported(source: String, feature: String)
    /// The structure or the values are damaged (bad VR, missing Rows, sequence nesting too deep…).
    case corrupt(source: String, detail: String)

    /// The file path or label the error is about.
    public var source: String {
        switch self {
        case .unreadable(let source, _), .empty(let source), .notDICOM(let source),
             .truncated(let source, _), .tooLarge(let source, _), .unsupported(let source, _),
             .corrupt(let source, _):
            return source
        }
    }

    /// One line: "<source>: <problem>".
    public var description: String {
        let problem: String
        switch self {
        case .unreadable(_, let reason): problem = "cannot read file: \(reason)"
        case .empty: problem = "empty file, not a DICOM file"
        case .notDICOM: problem = "not a DICOM file (no \"DICM\" marker at byte 128)"
        case .truncated(_, let detail): problem = "truncated DICOM: \(detail)"
        case .tooLarge(_, let detail): problem = "too large: \(detail)"
        case .unsupported(_, let feature): problem = "not supported: \(feature)"
        case .corrupt(_, let detail): problem = "damaged DICOM: \(detail)"
        }
        return OneLine.clean("\(source): \(problem)")
    }
}
