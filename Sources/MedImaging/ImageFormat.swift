/// The file format a `MedicalImage` was read from.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case png
    case jpeg
    case dicom
}
