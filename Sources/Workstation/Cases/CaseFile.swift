import Foundation
import Support

/// A study's `case.json`, schema version 1 (documented with an example in `samples/README.md`).
///
/// The file is written by hand by case authors and read at start-up for every study in
/// the library, so reading is strict and bounded: at most `byteLimit` bytes are read,
/// unknown fields, wrong types, blank or overlong strings, control characters, too many
/// images and image paths that leave the study folder are all refused — each with one line
/// that names the file and the field (`CaseFileError`), which the study browser shows.
public struct CaseFile: Codable, Sendable, Equatable {
    public static let currentVersion = 1
    /// A case is a page of text; anything larger is not a case file.
    public static let byteLimit = 1_000_000
    public static let maxImages = 16
    public static let maxAttributions = 64

    public var version: Int
    /// The study's synthetic id, e.g. `cxr-01`.
    public var id: String
    /// One line for the study browser.
    public var title: String
    /// True when the case text was invented (all shipped samples).
    public var synthetic: Bool
    /// Says that the text is synthetic; required when `synthetic` is true.
    public var note: String?
    public var patient: CasePatient
    public var history: String
    public var indication: String
    public var question: String
    /// The study's date, `YYYY-MM-DD`; required when an image lists a prior, whose date
    /// must be earlier ("Current study (2025-01-10):" in a comparison).
    public var date: String?
    public var images: [CaseImage]
    public var priorReport: String?
    public var comparison: CaseComparison?
    public var attribution: [CaseAttribution]

    public init(version: Int = CaseFile.currentVersion, id: String, title: String, synthetic: Bool, note: String?,
                patient: CasePatient, history: String, indication: String, question: String, images: [CaseImage],
                priorReport: String? = nil, comparison: CaseComparison? = nil, attribution: [CaseAttribution] = [],
                date: String? = nil) {
        self.version = version
        self.id = id
        self.title = title
        self.synthetic = synthetic
        self.note = note
        self.patient = patient
        self.history = history
        self.indication = indication
        self.question = question
        self.date = date
        self.images = images
        self.priorReport = priorReport
        self.comparison = comparison
        self.attribution = attribution
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case version, id, title, synthetic, note, patient, history, indication, question, date, images
        case priorReport, comparison, attribution
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        // The version comes first: a file of another version may have another shape, and
        // "unsupported version" is the useful message then, not its first unknown field.
        version = try r.int("version", in: Int.min...Int.max)
        if version != Self.currentVersion {
            throw r.problem("version", "unsupported version \(version) (this build reads version \(Self.currentVersion))")
        }
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        id = try r.string("id", limit: CaseText.shortLimit)
        title = try r.string("title", limit: CaseText.shortLimit)
        synthetic = try r.bool("synthetic")
        note = try r.optionalString("note", limit: CaseText.longLimit, multiline: true)
        if synthetic, note == nil { throw r.problem("note", "missing (required when 'synthetic' is true)") }
        patient = try r.object(CasePatient.self, "patient")
        history = try r.string("history", limit: CaseText.longLimit, multiline: true)
        indication = try r.string("indication", limit: CaseText.longLimit, multiline: true)
        question = try r.string("question", limit: CaseText.longLimit, multiline: true)
        date = try r.optionalDate("date")
        images = try r.array(CaseImage.self, "images", count: 1...Self.maxImages)
        if images.contains(where: { $0.prior != nil }) {
            guard let date else { throw r.problem("date", "missing (required when an image has a prior)") }
            for (i, image) in images.enumerated() {
                guard let prior = image.prior, prior.date >= date else { continue }
                throw CaseFieldProblem(path: decoder.codingPath + [CaseCodingKey("images"), CaseCodingKey(intValue: i)!,
                                                                   CaseCodingKey("prior"), CaseCodingKey("date")],
                                       message: "must be before the study's date (\(date))")
            }
        }
        priorReport = try r.optionalString("priorReport", limit: CaseText.longLimit, multiline: true)
        comparison = try r.optionalObject(CaseComparison.self, "comparison")
        attribution = r.has("attribution") ? try r.array(CaseAttribution.self, "attribution", count: 0...Self.maxAttributions) : []
        // A prior's file needs its attribution like any image of the study.
        let files = Set(images.map(\.file) + images.compactMap(\.prior?.file))
        if let bad = attribution.firstIndex(where: { !files.contains($0.image) }) {
            throw CaseFieldProblem(path: decoder.codingPath + [CaseCodingKey("attribution"), CaseCodingKey(intValue: bad)!,
                                                               CaseCodingKey("image")],
                                   message: "names no image of this study")
        }
    }

    /// Reads and decodes `path`. Errors are `CaseFileError`s naming `path` as given.
    public static func load(path: String) throws(CaseFileError) -> CaseFile {
        try decode(readBounded(path: path), file: path)
    }

    /// Decodes the bytes of a case file; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(CaseFileError) -> CaseFile {
        if data.count > byteLimit {
            throw CaseFileError(file: file, problem: "larger than \(byteLimit) bytes; a case file must be smaller")
        }
        do {
            return try JSONDecoder().decode(CaseFile.self, from: data)
        } catch let p as CaseFieldProblem {
            let field = CaseFieldProblem.describe(p.path)
            throw CaseFileError(file: file, field: field.isEmpty ? nil : field, problem: p.message)
        } catch {
            // Only syntax errors are left: every field error is a CaseFieldProblem.
            if String(data: data, encoding: .utf8) == nil {
                throw CaseFileError(file: file, problem: "not UTF-8 text")
            }
            throw CaseFileError(file: file, problem: "not valid JSON" + syntaxDetail(data))
        }
    }

    /// Where the JSON breaks, as " (invalid value at line 4, column 1)", so the author can
    /// find the typo. `JSONDecoder` says only "not valid JSON"; `JSONSerialization` says
    /// "… around character N" (a byte offset), which is turned into a line and column.
    static func syntaxDetail(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return ""
        } catch {
            guard let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String,
                  let match = text.range(of: "around character [0-9]+", options: .regularExpression),
                  let offset = Int(text[match].split(separator: " ").last ?? "") else { return "" }
            let before = data.prefix(max(0, min(offset, data.count)))
            let line = before.filter { $0 == 0x0A }.count + 1
            let column = before.count - (before.lastIndex(of: 0x0A).map { $0 - before.startIndex + 1 } ?? 0) + 1
            var what = String(text[..<match.lowerBound]).trimmingCharacters(in: .whitespaces)
            if let first = what.first { what = first.lowercased() + what.dropFirst() }
            return " (" + OneLine.clean(what.isEmpty ? "" : what + " ") + "at line \(line), column \(column))"
        }
    }

    /// At most `byteLimit + 1` bytes, so a huge or endless file (a FIFO, /dev/zero) is
    /// never read whole.
    static func readBounded(path: String) throws(CaseFileError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CaseFileError(file: path, problem: "not found")
        }
        if isDirectory.boolValue { throw CaseFileError(file: path, problem: "is a folder, not a file") }
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            let data = try handle.read(upToCount: byteLimit + 1) ?? Data()
            if data.count > byteLimit {
                throw CaseFileError(file: path, problem: "larger than \(byteLimit) bytes; a case file must be smaller")
            }
            return data
        } catch let e as CaseFileError {
            throw e
        } catch {
            throw CaseFileError(file: path, problem: "cannot be read (\(OneLine.clean(error.localizedDescription)))")
        }
    }
}
