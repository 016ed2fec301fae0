import Foundation
import MedImaging
import Support

/// A CT or MR volume in one question, as Google's `high_dimensional_ct_hugging_face.ipynb`
/// asks MedGemma about it — N slices spread evenly through the sorted series
/// (`SliceSampling`), each introduced by where it lies ("Slice 12/40 (z = -105.5 mm):"),
/// so the model and its answer can say which slice shows what.
///
/// `ask --image DIR --slices N`, `report --slices N` and the workstation's series question
/// all choose and label the slices here, so the three send the same turn.
public struct SeriesQuestion: Sendable {
    /// The folder or multi-frame file the series came from.
    public let path: String
    public let series: DICOMSeries
    /// The chosen slices, 0-based in the series' sorted order.
    public let indices: [Int]

    /// `wanted` slices of `series` (all of them when it has no more).
    public init(path: String, series: DICOMSeries, wanted: Int) {
        self.path = path
        self.series = series
        indices = SliceSampling.indices(count: series.slices.count, wanted: wanted)
    }

    /// The series at `path` with `wanted` slices chosen: a folder's series `seriesNumber`
    /// (1-based, as `medgemma info` lists them; nil: the folder must hold one), or a
    /// multi-frame DICOM file. Nil when `path` is neither a folder nor such a file.
    public static func open(path: String, wanted: Int, seriesNumber: Int? = nil) throws -> SeriesQuestion? {
        if DICOMSeriesFolder.isFolder(path) {
            let folder = try DICOMSeriesFolder.open(path: path)
            return SeriesQuestion(path: path, series: try folder.series(number: seriesNumber), wanted: wanted)
        }
        guard let volume = try DICOMSeries.multiFrame(path: path) else { return nil }
        return SeriesQuestion(path: path, series: volume, wanted: wanted)
    }

    /// Whether the series is CT: its slices then go as the notebook sends them, through the
    /// three CT windows as R, G, B, unless a window was chosen.
    public var isCT: Bool { series.first.modality?.uppercased() == "CT" }

    /// The same series with `wanted` slices chosen instead.
    public func choosing(_ wanted: Int) -> SeriesQuestion {
        SeriesQuestion(path: path, series: series, wanted: wanted)
    }

    /// "Slice 12/40 (z = -105.5 mm):" — the slice's 1-based place in the sorted series and
    /// where it lies along the slice normal (z for an axial series), when the file says.
    public func label(forSlice index: Int) -> String {
        let place = "Slice \(index + 1)/\(series.slices.count)"
        guard let location = series.slices[index].location else { return place + ":" }
        let mm = Format.fixed(location, 1) + " mm"
        return place + (series.orientation == .axial ? " (z = \(mm)):" : " (at \(mm) along the slice normal):")
    }

    /// Which slices go, before anything is encoded: "ct: CT series of 40 slices; showing
    /// 3: 1, 20, 40".
    public var summary: String {
        let modality = series.first.modality.map { " \($0)" } ?? ""
        return "\(path):\(modality) series of \(series.slices.count) slices; showing \(indices.count): "
            + indices.map { String($0 + 1) }.joined(separator: ", ")
    }

    /// Decodes the chosen slices in series order and hands each to `body`: its index in
    /// the series, its image and the frame to show (its own file is
    /// `series.slices[index].header.path`). A multi-frame file is decoded once.
    public func forEachChosenSlice(_ body: (_ index: Int, _ image: MedicalImage, _ frame: Int) throws -> Void) throws {
        var decoded: (path: String, image: MedicalImage)?
        for index in indices {
            let slice = series.slices[index]
            if let decoded, decoded.path == slice.header.path, let frame = slice.frame {
                try body(index, decoded.image, frame)
                continue
            }
            let (image, frame) = try series.loadSlice(index)
            decoded = (slice.header.path, image)
            try body(index, image, frame)
        }
    }

    /// The chosen slices as pictures, each prepared by `make` and introduced by its label.
    public func attachments(_ make: (_ index: Int, _ image: MedicalImage, _ frame: Int) throws -> ImageAttachment) throws -> [ImageAttachment] {
        var made: [ImageAttachment] = []
        try forEachChosenSlice { index, image, frame in made.append(try make(index, image, frame).labelled(label(forSlice: index))) }
        return made
    }

    /// "ct/ slice 12/40": how a chosen slice is named in the transcript and in errors.
    public func source(ofSlice index: Int) -> String {
        "\(path) slice \(index + 1)/\(series.slices.count)"
    }
}
