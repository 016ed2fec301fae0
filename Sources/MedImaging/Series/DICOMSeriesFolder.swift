import Foundation

/// A folder of DICOM files opened as series: what `medgemma info DIR`, `convert DIR` and
/// a study's folder entry show.
///
/// Only the folder's own files are looked at (not subfolders); files that are not DICOM
/// images are passed over and counted, DICOM files that cannot be read are kept with
/// their one-line errors so the reader learns which slices are missing and why.
public struct DICOMSeriesFolder: Sendable {
    public let path: String
    /// In Series Number order; never empty.
    public let series: [DICOMSeries]
    /// DICOM files whose header could not be read, each error naming its file.
    public let unreadable: [DICOMError]
    /// Entries that are not DICOM images (other files, a DICOMDIR, subfolders), by name.
    public let ignored: [String]

    /// Lists `path`, reads every file's header and builds the series. Throws when the
    /// folder cannot be listed, is over a limit, or holds no readable DICOM image.
    public static func open(path: String, limits: DICOMSeriesLimits = .default) throws(DICOMSeriesError) -> DICOMSeriesFolder {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            throw .unreadableFolder(path: path, reason: !exists ? "no such folder" : !isFolder.boolValue ? "not a folder" : "permission denied")
        }
        guard names.count <= limits.maxFiles else {
            throw .tooManyFiles(path: path, count: names.count, limit: limits.maxFiles)
        }
        let folder = path.hasSuffix("/") ? path : path + "/"
        var headers: [DICOMSliceHeader] = []
        var unreadable: [DICOMError] = []
        var ignored: [String] = []
        var slices = 0
        var subfolders = 0
        for name in names {
            let file = folder + name
            let header: DICOMSliceHeader
            do throws(DICOMError) {
                switch try DICOMSliceHeader.scan(path: file, maxBytes: limits.maxFileBytes) {
                case .header(let read):
                    header = read
                case .notDICOM:
                    ignored.append(name)
                    continue
                case .notAFile(let kind):
                    // A subfolder (or a FIFO) is not a slice; anything else that failed was one.
                    ignored.append(name)
                    if kind == .directory { subfolders += 1 }
                    continue
                }
            } catch {
                unreadable.append(error)
                continue
            }
            guard header.frames <= limits.maxSlices else {
                unreadable.append(.tooLarge(source: file, detail: "\(header.frames) frames exceeds the limit of \(limits.maxSlices) slices"))
                continue
            }
            slices += header.frames
            guard slices <= limits.maxSlices else { throw .tooManySlices(path: path, limit: limits.maxSlices) }
            headers.append(header)
        }
        guard !headers.isEmpty else {
            let detail = unreadable.first.map { "\(unreadable.count) unreadable, first: \($0)" }
                ?? "\(names.count) \(names.count == 1 ? "entry" : "entries"), none a DICOM image"
                + (subfolders > 0 ? " (subfolders are not searched: open one of them)" : "")
            throw .noImages(path: path, detail: detail)
        }
        return DICOMSeriesFolder(path: path, series: DICOMSeriesBuilder.build(headers), unreadable: unreadable, ignored: ignored)
    }

    /// Whether `path` is a folder (following links), so callers can tell `info DIR` from `info FILE`.
    public static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}
