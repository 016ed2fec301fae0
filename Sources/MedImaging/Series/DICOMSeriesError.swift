import Support

/// Why a folder could not be opened as series, or a series decoded as a volume.
///
/// Like `DICOMError`, every case names the folder or the file it is about, so
/// `description` alone is a complete line for a terminal, the status bar or a log.
public enum DICOMSeriesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder cannot be listed (missing, not a folder, no permission).
    case unreadableFolder(path: String, reason: String)
    /// More entries than `DICOMSeriesLimits.maxFiles`: refused before any file is opened.
    case tooManyFiles(path: String, count: Int, limit: Int)
    /// More slices (frames included) than `DICOMSeriesLimits.maxSlices`: the scan stops there.
    case tooManySlices(path: String, limit: Int)
    /// Nothing in the folder is a readable DICOM image; `detail` says what was found.
    case noImages(path: String, detail: String)
    /// The volume is over `DICOMSeriesLimits.maxVolumePixels`.
    case tooLarge(source: String, detail: String)
    /// A slice does not fit the others (size, bits, sign), so the series is no volume.
    case mismatch(source: String, detail: String)
    /// A slice's own error (it names its file).
    case slice(DICOMError)
    /// The folder holds `count` series and none was chosen.
    case severalSeries(path: String, count: Int)
    /// Series `number` was chosen from a folder that holds `count`.
    case noSuchSeries(path: String, number: Int, count: Int)

    /// One line: "<folder or file>: <problem>".
    public var description: String {
        switch self {
        case .unreadableFolder(let path, let reason):
            return OneLine.clean("\(path): cannot read folder: \(reason)")
        case .tooManyFiles(let path, let count, let limit):
            return OneLine.clean("\(path): too many files: \(count) entries exceeds the limit of \(limit)")
        case .tooManySlices(let path, let limit):
            return OneLine.clean("\(path): too many slices: more than the limit of \(limit)")
        case .noImages(let path, let detail):
            return OneLine.clean("\(path): no DICOM images: \(detail)")
        case .tooLarge(let source, let detail):
            return OneLine.clean("\(source): too large: \(detail)")
        case .mismatch(let source, let detail):
            return OneLine.clean("\(source): does not fit the series: \(detail)")
        case .slice(let error):
            return error.description
        case .severalSeries(let path, let count):
            return OneLine.clean("\(path): holds \(count) series; choose one with --series 1…\(count) (see 'medgemma info \(path)')")
        case .noSuchSeries(let path, let number, let count):
            return OneLine.clean("\(path): series \(number) does not exist (the folder holds \(count))")
        }
    }
}
