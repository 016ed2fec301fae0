/// A multi-frame DICOM file opened as a series of its own, so a volume that arrives as one
/// file (`ask --image CT.dcm --slices N`) is sampled and labelled like a folder of slices.
extension DICOMSeries {
    /// The file's frames as a series (sorted along the normal when every frame has a
    /// position, else in file order); nil when the file is not a DICOM image of more than
    /// one frame.
    public static func multiFrame(path: String, limits: DICOMSeriesLimits = .default) throws(DICOMSeriesError) -> DICOMSeries? {
        let header: DICOMSliceHeader?
        do throws(DICOMError) {
            header = try DICOMSliceHeader.read(path: path, maxBytes: limits.maxFileBytes)
        } catch {
            throw .slice(error)
        }
        guard let header, header.frames > 1 else { return nil }
        guard header.frames <= limits.maxSlices else {
            throw .tooLarge(source: path, detail: "\(header.frames) frames exceeds the limit of \(limits.maxSlices) slices")
        }
        return DICOMSeriesBuilder.volume(header)
    }
}
