import Support

/// Why `MedicalImage.load` could not open a file: its own checks, or the format decoder's error.
public enum ImageLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(source: String, reason: String)
    case empty(source: String)
    /// The content is none of PNG, JPEG or DICOM Part 10.
    case unknownFormat(source: String)
    case png(ImageError)
    case dicom(DICOMError)
    case jpeg(ImageError)

    /// One line naming the file; the decoders' own errors pass through unchanged.
    public var description: String {
        switch self {
        case .unreadable(let source, let reason): return OneLine.clean("\(source): cannot read file: \(reason)")
        case .empty(let source): return OneLine.clean("\(source): empty file, not an image")
        case .unknownFormat(let source): return OneLine.clean("\(source): not a PNG, JPEG or DICOM file")
        case .png(let error): return error.description
        case .dicom(let error): return error.description
        case .jpeg(let error): return error.description
        }
    }
}
