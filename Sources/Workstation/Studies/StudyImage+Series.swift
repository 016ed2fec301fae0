import Foundation
import MedImaging

/// A study's `images` entry that names a folder: a series of DICOM slices, scrolled through
/// in the workstation. Only the listing is checked when the study is read (reading every
/// header of a large series would slow the browser); the headers are read when it opens.
extension StudyImage {
    /// True when the entry is a folder (a series) rather than one image file.
    public var isSeries: Bool { status.isPresent && DICOMSeriesFolder.isFolder(url.path) }

    /// A folder entry's status: readable, not empty, and no file in it a link that leads
    /// outside the study folder `root` (the same rule as for a file entry). The size is the
    /// sum of its regular files.
    public static func checkSeries(_ resolved: String, root: String) -> ImageFileStatus {
        let fm = FileManager.default
        guard fm.isReadableFile(atPath: resolved), let names = try? fm.contentsOfDirectory(atPath: resolved) else {
            return .unreadable("folder cannot be read (permission denied)")
        }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        var bytes = 0
        for name in names {
            let path = URL(fileURLWithPath: resolved).appendingPathComponent(name).resolvingSymlinksInPath().path
            guard path.hasPrefix(prefix) else { return .unreadable("\(name) links to a file outside the study folder") }
            if let attributes = try? fm.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular {
                bytes += (attributes[.size] as? NSNumber)?.intValue ?? 0
            }
        }
        return bytes == 0 ? .unreadable("empty folder") : .present(bytes: bytes)
    }

    /// The entry as one slice's own file (`ct/IM0001.dcm`), so report stamps, picture labels
    /// and hashes name the file that was actually shown rather than the folder.
    public func slice(at path: String) -> StudyImage {
        let name = (path as NSString).lastPathComponent
        var image = self.image
        image.file = StudyPath.join(self.image.file, name)
        return StudyImage(image: image, path: StudyPath.join(self.path, name), url: url.appendingPathComponent(name),
                          status: status)
    }

    /// The picture an entry first shows: the file itself, or the first slice of the folder's
    /// first series, with the frame to show and the entry for the file shown.
    public func loadFirstPicture() throws -> (image: MedicalImage, frame: Int, shown: StudyImage) {
        guard isSeries else { return (try MedicalImage.load(path: url.path), 0, self) }
        let series = try DICOMSeriesFolder.open(path: url.path).series[0]
        let (image, frame) = try series.loadSlice(0)
        return (image, frame, slice(at: series.slices[0].header.path))
    }
}
