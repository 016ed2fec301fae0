import MedImaging

/// The slices of the series a folder entry opened as, and which one is shown. Kept apart
/// from `ImageViewer` because a series needs its own bookkeeping (position, notes, the
/// decoded multi-frame file) that a single image never has.
public struct SliceStack {
    public let series: DICOMSeries
    /// The shown slice, 0-based.
    public private(set) var index = 0
    /// One line for the status bar when the series opens: gaps, duplicates, other series in
    /// the folder, unreadable files; nil when there is nothing to say.
    public let notice: String?
    /// The last file decoded: a multi-frame file holds every slice, so scrolling through
    /// it must not decode it again for each one.
    private var decoded: (path: String, image: MedicalImage)?

    public init(folder: DICOMSeriesFolder) {
        series = folder.series[0]
        var notes = series.notes
        if folder.series.count > 1 { notes.append("the folder holds \(folder.series.count) series: showing the first") }
        if !folder.unreadable.isEmpty { notes.append("\(folder.unreadable.count) unreadable file(s), first: \(folder.unreadable[0])") }
        notice = notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    public var count: Int { series.slices.count }

    /// "slice 3/6", as the pane title and the status bar say it.
    public var position: String { "slice \(index + 1)/\(count)" }

    /// The status bar's line after a step: the position and, when known, where the slice
    /// lies along the series' normal ("slice 3/6 · at -12.5 mm").
    public var statusLine: String {
        guard let location = series.slices[index].location else { return position }
        return position + " · at \((location * 10).rounded() / 10) mm"
    }

    /// The scout line under the picture: the series' extent between brackets, a dot for
    /// each slice at its place along the normal (so a gap shows as a space), the shown one
    /// as ●. Slices without a position are spaced evenly, by their order.
    public func scout(width: Int) -> String {
        guard width >= 3 else { return "" }
        let known = series.slices.compactMap(\.location)
        let places = known.count == count ? known : series.slices.indices.map(Double.init)
        let low = places.min() ?? 0, high = places.max() ?? 0
        let inner = width - 2
        func cell(_ place: Double) -> Int {
            high > low ? min(inner - 1, max(0, Int(((place - low) / (high - low) * Double(inner - 1)).rounded()))) : inner / 2
        }
        var cells = [Character](repeating: " ", count: inner)
        for place in places { cells[cell(place)] = "·" }
        cells[cell(places[index])] = "●"
        return "[" + String(cells) + "]"
    }

    /// The file of the shown slice.
    public var path: String { series.slices[index].header.path }

    /// Moves to slice `newIndex` (clamped) and decodes it: the picture and its frame.
    public mutating func load(_ newIndex: Int) throws(DICOMSeriesError) -> (image: MedicalImage, frame: Int) {
        index = min(max(newIndex, 0), count - 1)
        let slice = series.slices[index]
        if let decoded, decoded.path == slice.header.path, let frame = slice.frame, frame < decoded.image.frameCount {
            return (decoded.image, frame)
        }
        let loaded = try series.loadSlice(index)
        decoded = (slice.header.path, loaded.image)
        return loaded
    }
}
