import Foundation
import MedImaging
import Support
import TUI
import Workstation

/// `medgemma info IMAGE`: what an image file holds, as text or JSON. Patient identifiers
/// are never shown (they are not even part of `ImageMetadata`).
struct ImageCard {
    let path: String
    let image: MedicalImage

    var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    func render() -> String {
        let m = image.metadata
        var rows: [(String, String)] = [("File", fileName)]
        switch m.format {
        case .png: rows.append(("Format", "PNG"))
        case .jpeg: rows.append(("Format", "JPEG"))
        case .dicom:
            let syntax = m.transferSyntaxUID.map { "\(m.transferSyntaxName ?? "?") (\($0))" } ?? "unknown transfer syntax"
            rows.append(("Format", "DICOM, \(syntax)"))
        }
        rows.append(("Size", "\(image.width) × \(image.height) pixels" + (image.frameCount > 1 ? ", \(image.frameCount) frames" : "")))
        rows.append(("Samples", "\(image.channels == .rgb ? "RGB" : "gray"), \(m.bitsStored) bits stored\(m.isSigned ? ", signed" : "")"))
        rows.append(("Photometric", m.photometric.rawValue))
        if !m.rescale.isIdentity || m.rescale.type != nil {
            rows.append(("Rescale", "slope \(Format.number(m.rescale.slope)), intercept \(Format.number(m.rescale.intercept))"
                         + (m.rescale.type.map { " (\($0))" } ?? "")))
        }
        if image.channels == .gray {
            let range = image.modalityRange()
            rows.append(("Values", "\(Format.number(range.low)) … \(Format.number(range.high))"))
        }
        let window = image.defaultWindow()
        var windowText = "width \(Format.number(window.width)), center \(Format.number(window.center))"
        if let explanation = window.explanation, !explanation.isEmpty { windowText += " (\(explanation))" }
        if m.windows.isEmpty && m.format == .dicom { windowText += "; none in the file" }
        if m.windows.count > 1 {
            windowText += "; also " + m.windows.dropFirst().map { "\(Format.number($0.width))/\(Format.number($0.center))" }.joined(separator: ", ")
        }
        rows.append(("Window", windowText))
        for (label, value) in [("Modality", m.modality), ("Body part", m.bodyPart), ("Study date", m.studyDate.map(Self.isoDate)),
                               ("Study", m.studyDescription), ("Series", m.seriesDescription)] {
            if let value, !value.isEmpty { rows.append((label, value)) }
        }
        let width = rows.map { $0.0.count }.max() ?? 0
        return rows.map { TerminalSanitizer.multiLine.sanitize($0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1) }
            .joined(separator: "\n") + "\n"
    }

    func json() -> JSONValue {
        let m = image.metadata
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func window(_ w: VOIWindow) -> JSONValue {
            .object([("center", .number(w.center)), ("width", .number(w.width)), ("explanation", text(w.explanation))])
        }
        var fields: [(String, JSONValue)] = [
            ("file", .string(path)),
            ("format", .string(m.format.rawValue)),
            ("width", .int(image.width)),
            ("height", .int(image.height)),
            ("frames", .int(image.frameCount)),
            ("channels", .string(image.channels == .rgb ? "rgb" : "gray")),
            ("bits_stored", .int(m.bitsStored)),
            ("signed", .bool(m.isSigned)),
            ("photometric", .string(m.photometric.rawValue)),
            ("rescale", .object([("slope", .number(m.rescale.slope)), ("intercept", .number(m.rescale.intercept)),
                                 ("type", text(m.rescale.type))])),
            ("windows", .array(m.windows.map(window))),
            ("default_window", window(image.defaultWindow())),
            ("voi_function", .string(m.voiFunction.rawValue)),
        ]
        if image.channels == .gray {
            let range = image.modalityRange()
            fields.append(("value_range", .array([.number(range.low), .number(range.high)])))
        }
        fields += [
            ("modality", text(m.modality)), ("body_part", text(m.bodyPart)), ("study_date", text(m.studyDate)),
            ("study_description", text(m.studyDescription)), ("series_description", text(m.seriesDescription)),
            ("transfer_syntax", m.transferSyntaxUID.map { .object([("uid", .string($0)), ("name", text(m.transferSyntaxName))]) } ?? .null),
            ("study_instance_uid", text(m.studyInstanceUID)), ("series_instance_uid", text(m.seriesInstanceUID)),
            ("sop_instance_uid", text(m.sopInstanceUID)),
        ]
        return .object(fields)
    }

    /// DICOM dates are YYYYMMDD; shown as YYYY-MM-DD when they look like one.
    static func isoDate(_ s: String) -> String {
        let digits = s.filter(\.isNumber)
        guard digits.count == 8, digits.count == s.count else { return s }
        let a = digits.startIndex
        return "\(digits[a..<digits.index(a, offsetBy: 4)])-\(digits[digits.index(a, offsetBy: 4)..<digits.index(a, offsetBy: 6)])-\(digits[digits.index(a, offsetBy: 6)...])"
    }
}
