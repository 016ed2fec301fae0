import Foundation
import MedImaging
import Support
import Workstation

/// `ask --image DIR --slices N`: a CT or MR volume in one question, as Google's
/// `high_dimensional_ct_hugging_face.ipynb` asks MedGemma about it — N slices spread evenly
/// through the sorted series (`SliceSampling`), each prepared like a single `--image` (the
/// display window, or the three CT windows with `--ct-windows`) and introduced by where it
/// lies ("Slice 12/40 (z = -105.5 mm):"), so the model and its answer can say which
/// slice shows what.
struct SeriesQuestion {
    /// The folder or multi-frame file given to `--image`.
    let path: String
    let series: DICOMSeries
    /// The chosen slices, 0-based in the series' sorted order.
    let indices: [Int]

    /// The series at `path` with `wanted` slices chosen: a folder holding one series, or a
    /// multi-frame DICOM file (nil when `path` is neither a folder nor such a file).
    static func open(path: String, wanted: Int) throws -> SeriesQuestion? {
        let series: DICOMSeries
        if DICOMSeriesFolder.isFolder(path) {
            let folder = try DICOMSeriesFolder.open(path: path)
            guard folder.series.count == 1 else {
                throw CommandFailure("\(path): holds \(folder.series.count) series; give the folder of one series to --image (see 'medgemma info \(path)')")
            }
            series = folder.series[0]
        } else {
            guard let volume = try DICOMSeries.multiFrame(path: path) else { return nil }
            series = volume
        }
        return SeriesQuestion(path: path, series: series, indices: SliceSampling.indices(count: series.slices.count, wanted: wanted))
    }

    /// "Slice 12/40 (z = -105.5 mm):" — the slice's 1-based place in the sorted series and
    /// where it lies along the slice normal (z for an axial series), when the file says.
    func label(forSlice index: Int) -> String {
        let place = "Slice \(index + 1)/\(series.slices.count)"
        guard let location = series.slices[index].location else { return place + ":" }
        let mm = Format.fixed(location, 1) + " mm"
        return place + (series.orientation == .axial ? " (z = \(mm)):" : " (at \(mm) along the slice normal):")
    }

    /// What standard error says before anything is encoded: which slices go.
    var summary: String {
        let modality = series.first.modality.map { " \($0)" } ?? ""
        return "\(path):\(modality) series of \(series.slices.count) slices; showing \(indices.count): "
            + indices.map { String($0 + 1) }.joined(separator: ", ")
    }

    /// The chosen slices as labelled pictures, in series order, prepared as `request` says
    /// (its path is this series). A multi-frame file is decoded once.
    func attachments(_ request: ImageQuestion.Request) throws -> [ImageAttachment] {
        var decoded: (path: String, image: MedicalImage)?
        return try indices.map { index in
            let slice = series.slices[index]
            let image: MedicalImage, frame: Int
            if let decoded, decoded.path == slice.header.path, let f = slice.frame {
                (image, frame) = (decoded.image, f)
            } else {
                (image, frame) = try series.loadSlice(index)
                decoded = (slice.header.path, image)
            }
            let source = "\(path) slice \(index + 1)/\(series.slices.count)"
            return try ImageQuestion.attachment(image, frame: frame, source: source, request: request).labelled(label(forSlice: index))
        }
    }
}
