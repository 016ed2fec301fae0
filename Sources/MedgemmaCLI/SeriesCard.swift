import MedImaging
import Support
import TUI

/// `medgemma info DIR`: each DICOM series in a folder, as text or JSON — what a reader
/// checks before scrolling a volume or exporting it: modality, slice count and order,
/// size, pixel and slice spacing, plane, windows, and the notes on gaps, duplicates and
/// mismatched slices. Built from the headers alone (no slice is decoded), so it is quick
/// on a whole CT. Patient identifiers are never read into it.
struct SeriesCard {
    let folder: DICOMSeriesFolder

    /// Files that took part: the series' files, the unreadable ones and the ignored entries.
    var entryCount: Int {
        Set(folder.series.flatMap { $0.slices.map(\.header.path) }).count + folder.unreadable.count + folder.ignored.count
    }

    func render() -> String {
        let slices = folder.series.reduce(0) { $0 + $1.slices.count }
        var summary = "\(entryCount) \(entryCount == 1 ? "entry" : "entries"): \(slices) slice\(slices == 1 ? "" : "s") in \(folder.series.count) series"
        if !folder.ignored.isEmpty { summary += "; \(folder.ignored.count) not DICOM images, ignored" }
        var blocks: [[(String, String)]] = [[("Folder", "\(folder.path) (\(summary))")]
            + folder.unreadable.map { ("Unreadable", $0.description) }]
        for (index, series) in folder.series.enumerated() {
            blocks.append(rows(of: series, number: index + 1))
        }
        let width = blocks.flatMap { $0.map { $0.0.count } }.max() ?? 0
        return blocks.map { block in
            block.map { TerminalSanitizer.multiLine.sanitize($0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1) }
                .joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    private func rows(of series: DICOMSeries, number: Int) -> [(String, String)] {
        let first = series.first
        var title = first.modality ?? "unknown modality"
        if let description = first.seriesDescription { title += ", \(description)" }
        if let seriesNumber = first.seriesNumber { title += " (series number \(seriesNumber))" }
        var rows: [(String, String)] = [("Series \(number)", title)]
        let sorted = series.ordering == .frames ? "in file order" : "sorted by \(series.ordering.rawValue)"
        let order = series.slices[0].frame != nil ? "frames of \(first.fileName), \(sorted)" : sorted
        rows.append(("Slices", "\(series.slices.count), \(order)"))
        let samples = first.samplesPerPixel == 3 ? "RGB" : "gray"
        rows.append(("Size", "\(first.columns) × \(first.rows) pixels, \(samples), \(first.bitsStored) bits stored\(first.isSigned ? ", signed" : "")"))
        var spacing: [String] = []
        if let pixel = first.pixelSpacing {
            spacing.append("\(Self.number(pixel[0])) × \(Self.number(pixel[1])) mm per pixel (row × column)")
        }
        if let between = series.sliceSpacing { spacing.append("\(Self.number(between)) mm between slices") }
        rows.append(("Spacing", spacing.isEmpty ? "unknown (no Pixel Spacing or positions)" : spacing.joined(separator: ", ")))
        rows.append(("Orientation", series.orientation?.rawValue ?? "unknown (no Image Orientation)"))
        rows.append(("Window", windowText(first)))
        if let uid = series.seriesInstanceUID { rows.append(("UID", uid)) }
        if !series.notes.isEmpty { rows.append(("Notes", series.noteLine)) }
        return rows
    }

    /// The files' own windows, else what `view` and the workstation open with for CT.
    private func windowText(_ header: DICOMSliceHeader) -> String {
        func label(_ w: VOIWindow) -> String { "\(Self.number(w.width))/\(Self.number(w.center))" }
        guard let own = header.windows.first else {
            if header.modality == "CT" { return "width 400, center 40 (soft tissue (default)); none in the files" }
            return "none in the files (the full range of each slice when shown)"
        }
        var text = "width \(Self.number(own.width)), center \(Self.number(own.center))"
        if let explanation = own.explanation { text += " (\(explanation))" }
        if header.windows.count > 1 {
            text += "; also " + header.windows.dropFirst().map { w in label(w) + (w.explanation.map { " (\($0))" } ?? "") }
                .joined(separator: ", ")
        }
        return text
    }

    func json() -> JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func number(_ d: Double?) -> JSONValue { d.map(JSONValue.number) ?? .null }
        let series: [JSONValue] = folder.series.enumerated().map { index, series in
            let first = series.first
            return .object([
                ("index", .int(index + 1)),
                ("series_instance_uid", text(series.seriesInstanceUID)),
                ("series_number", first.seriesNumber.map(JSONValue.int) ?? .null),
                ("series_description", text(first.seriesDescription)),
                ("modality", text(first.modality)),
                ("slices", .int(series.slices.count)),
                ("width", .int(first.columns)),
                ("height", .int(first.rows)),
                ("samples_per_pixel", .int(first.samplesPerPixel)),
                ("bits_allocated", .int(first.bitsAllocated)),
                ("bits_stored", .int(first.bitsStored)),
                ("signed", .bool(first.isSigned)),
                ("pixel_spacing", first.pixelSpacing.map { .array($0.map(JSONValue.number)) } ?? .null),
                ("slice_spacing", number(series.sliceSpacing)),
                ("slice_thickness", number(first.sliceThickness)),
                ("orientation", text(series.orientation?.rawValue)),
                ("ordering", .string(series.ordering.rawValue)),
                ("windows", .array(first.windows.map { w in
                    .object([("center", .number(w.center)), ("width", .number(w.width)), ("explanation", text(w.explanation))])
                })),
                ("notes", .array(series.notes.map(JSONValue.string))),
                ("files", .array(series.slices.map { slice in
                    .object([("file", .string(slice.header.fileName)), ("frame", slice.frame.map(JSONValue.int) ?? .null),
                             ("instance_number", slice.header.instanceNumber.map(JSONValue.int) ?? .null),
                             ("location", number(slice.location))])
                })),
            ])
        }
        return .object([
            ("folder", .string(folder.path)),
            ("entries", .int(entryCount)),
            ("ignored", .array(folder.ignored.map(JSONValue.string))),
            ("unreadable", .array(folder.unreadable.map { .object([("file", .string($0.source)), ("error", .string($0.description))]) })),
            ("series", .array(series)),
        ])
    }

    /// Up to three decimals, trailing zeros dropped ("2.5", "0.7", "4").
    static func number(_ value: Double) -> String { Format.trimmed(value, 3) }
}
