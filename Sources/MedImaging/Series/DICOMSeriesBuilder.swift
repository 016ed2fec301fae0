/// Groups slice headers into series and puts each in order.
///
/// Single-frame files are grouped by Series Instance UID (0020,000E; files without one
/// form one group) and sorted along the slice normal: position · (row × column
/// direction), the order 3D Slicer and pydicom-based loaders use, which is right whatever
/// the file names or Instance Numbers say. Where a slice has no position or orientation,
/// or the orientations disagree (a localizer with three planes), Instance Number is the
/// fallback, and file name after it; the note says so. A multi-frame file is a volume of
/// its own, frames in file order.
enum DICOMSeriesBuilder {
    /// Orientation cosines closer than this are the same plane.
    static let orientationTolerance = 1e-4

    static func build(_ headers: [DICOMSliceHeader]) -> [DICOMSeries] {
        var groups: [String: [DICOMSliceHeader]] = [:]
        var volumes: [DICOMSeries] = []
        for header in headers {
            if header.frames > 1 {
                volumes.append(volume(header))
            } else {
                groups[header.seriesInstanceUID ?? "", default: []].append(header)
            }
        }
        let series = groups.values.map(sortedSeries) + volumes
        // Series Number, as a PACS lists them; then the first file's name.
        return series.sorted {
            ($0.first.seriesNumber ?? Int.max, $0.first.fileName) < ($1.first.seriesNumber ?? Int.max, $1.first.fileName)
        }
    }

    /// A multi-frame file: its frames sorted along the normal when an enhanced file gives
    /// every frame's position, else in file order with Spacing Between Slices.
    static func volume(_ header: DICOMSliceHeader) -> DICOMSeries {
        let orientation = header.orientation.flatMap(SliceOrientation.init(orientation:))
        let frames = (0..<header.frames).map { DICOMSeriesSlice(header: header, frame: $0) }
        let located = frames.compactMap { slice in slice.location.map { (location: $0, slice: slice) } }
        guard located.count == frames.count else {
            return DICOMSeries(seriesInstanceUID: header.seriesInstanceUID, slices: frames, ordering: .frames,
                               orientation: orientation, sliceSpacing: header.spacingBetweenSlices, notes: [])
        }
        let sorted = located.sorted { ($0.location, $0.slice.frame ?? 0) < ($1.location, $1.slice.frame ?? 0) }
        let check = SeriesSpacingCheck(locations: sorted.map(\.location))
        return DICOMSeries(seriesInstanceUID: header.seriesInstanceUID, slices: sorted.map(\.slice), ordering: .position,
                           orientation: orientation, sliceSpacing: check.spacing ?? header.spacingBetweenSlices, notes: check.notes)
    }

    static func sortedSeries(_ headers: [DICOMSliceHeader]) -> DICOMSeries {
        var notes: [String] = []
        let byName = headers.sorted { $0.fileName < $1.fileName }
        let sizes = Dictionary(grouping: byName) { "\($0.columns)×\($0.rows)" }
        if sizes.count > 1 {
            let counts = sizes.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
                .map { "\($0.key) (\($0.value.count))" }
            notes.append("mixed sizes: " + counts.joined(separator: ", "))
        }
        let reference = byName.first { $0.orientation != nil }?.orientation
        let sameOrientation = byName.allSatisfy { header in
            guard let orientation = header.orientation, let reference else { return false }
            return zip(orientation, reference).allSatisfy { abs($0 - $1) <= orientationTolerance }
        }
        let located = byName.allSatisfy { $0.position != nil }
        let ordering: SeriesOrdering
        let sorted: [DICOMSliceHeader]
        var spacing: Double?
        if sameOrientation && located {
            ordering = .position
            let keyed = byName.map { (location: $0.location ?? 0, header: $0) }
            sorted = keyed.sorted { a, b in
                if a.location != b.location { return a.location < b.location }
                return (a.header.instanceNumber ?? Int.max, a.header.fileName) < (b.header.instanceNumber ?? Int.max, b.header.fileName)
            }.map(\.header)
            let check = SeriesSpacingCheck(locations: sorted.compactMap(\.location))
            spacing = check.spacing
            notes += check.notes
        } else {
            let reason: String
            if !byName.contains(where: { $0.orientation != nil }) || !located {
                let missing = byName.filter { $0.position == nil || $0.orientation == nil }.count
                reason = missing == byName.count ? "no slice position" : "\(missing) of \(byName.count) slices without a position"
            } else {
                let planes = Set(byName.compactMap { $0.orientation.flatMap(SliceOrientation.init(orientation:))?.rawValue })
                reason = "mixed orientations (\(planes.sorted().joined(separator: ", ")))"
            }
            if byName.allSatisfy({ $0.instanceNumber != nil }) {
                ordering = .instanceNumber
                sorted = byName.sorted { ($0.instanceNumber ?? 0, $0.fileName) < ($1.instanceNumber ?? 0, $1.fileName) }
            } else {
                ordering = .fileName
                sorted = byName
            }
            notes.append("\(reason): sorted by \(ordering.rawValue)")
        }
        let first = sorted[0]
        return DICOMSeries(seriesInstanceUID: first.seriesInstanceUID, slices: sorted.map { DICOMSeriesSlice(header: $0) },
                           ordering: ordering, orientation: first.orientation.flatMap(SliceOrientation.init(orientation:)),
                           sliceSpacing: spacing, notes: notes)
    }
}
