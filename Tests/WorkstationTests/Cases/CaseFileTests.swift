import Foundation
import XCTest
@testable import Workstation

/// `case.json` decoding: a valid file, and every way a file can be malformed, each with
/// the exact one-line message the study browser shows.
final class CaseFileTests: XCTestCase {
    static let file = "samples/t-01/case.json"

    /// A valid version-1 case with three images, mutated by each table row.
    static func base() -> [String: Any] {
        let image = { (file: String) -> [String: Any] in
            ["file": file, "modality": "CR", "view": "PA", "description": "Frontal chest radiograph."]
        }
        return [
            "version": 1, "id": "t-01", "title": "Test case", "synthetic": true,
            "note": "Synthetic case for demonstration; not a real patient's history.",
            "patient": ["id": "SYN-T-0001", "age": 40, "sex": "F"],
            "history": "Cough for three weeks.", "indication": "Persistent cough.", "question": "Is there consolidation?",
            "images": [image("a.png"), image("scans/b.png"), image("c.dcm")],
            "attribution": [["image": "a.png", "source": "s", "license": "CC0", "citation": "none"]],
        ]
    }

    static func data(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private func message(_ data: Data) -> String? {
        do {
            _ = try CaseFile.decode(data, file: Self.file)
            return nil
        } catch {
            return error.description
        }
    }

    private func edit(_ change: (inout [String: Any]) -> Void) throws -> Data {
        var d = Self.base()
        change(&d)
        return try Self.data(d)
    }

    private static func setImage(_ d: inout [String: Any], _ index: Int, _ key: String, _ value: Any?) {
        var images = d["images"] as! [[String: Any]]
        images[index][key] = value
        d["images"] = images
    }

    private static func setPatient(_ d: inout [String: Any], _ key: String, _ value: Any?) {
        var patient = d["patient"] as! [String: Any]
        patient[key] = value
        d["patient"] = patient
    }

    func testValidCaseDecodes() throws {
        let c = try CaseFile.decode(try Self.data(Self.base()), file: Self.file)
        XCTAssertEqual(c.version, 1)
        XCTAssertEqual(c.title, "Test case")
        XCTAssertEqual(c.patient, CasePatient(id: "SYN-T-0001", age: 40, sex: .female))
        XCTAssertEqual(c.images.map(\.file), ["a.png", "scans/b.png", "c.dcm"])
        XCTAssertNil(c.priorReport)
        XCTAssertNil(c.comparison)
        XCTAssertEqual(c.attribution.count, 1)
    }

    func testOptionalFieldsAndNullsAndRoundTrip() throws {
        let data = try edit { d in
            d["priorReport"] = "Prior: clear lungs.\nNo effusion."
            d["comparison"] = ["id": "t-00", "description": "Chest X-ray a year earlier."]
            d["attribution"] = nil
            Self.setImage(&d, 2, "window", ["center": 40, "width": 400])
            Self.setImage(&d, 1, "window", NSNull())
        }
        let c = try CaseFile.decode(data, file: Self.file)
        XCTAssertEqual(c.priorReport, "Prior: clear lungs.\nNo effusion.")
        XCTAssertEqual(c.comparison, CaseComparison(id: "t-00", description: "Chest X-ray a year earlier."))
        XCTAssertEqual(c.images[2].window, CaseWindow(center: 40, width: 400))
        XCTAssertNil(c.images[1].window, "null is the same as absent")
        XCTAssertEqual(c.attribution, [], "attribution is optional")
        let again = try CaseFile.decode(try JSONEncoder().encode(c), file: Self.file)
        XCTAssertEqual(again, c, "what the encoder writes, the strict decoder reads")
    }

    func testProtectedIdentifiersAreReadCheckedAndNeverPrinted() throws {
        let c = try CaseFile.decode(try edit { Self.setPatient(&$0, "protectedIdentifiers", ["MRN 1234567", "Jane Doe"]) }, file: Self.file)
        XCTAssertEqual(c.patient.protectedIdentifiers, ["MRN 1234567", "Jane Doe"])
        XCTAssertFalse("\(c.patient)".contains("1234567"))
        XCTAssertFalse(String(reflecting: c.patient).contains("Jane"))
        XCTAssertEqual(try CaseFile.decode(try Self.data(Self.base()), file: Self.file).patient.protectedIdentifiers, [])
        let f = Self.file
        XCTAssertEqual(message(try edit { Self.setPatient(&$0, "protectedIdentifiers", ["MRN 1234567", "AB"]) }),
                       "\(f): field 'patient.protectedIdentifiers[1]': shorter than 4 characters (it would match ordinary text)")
        XCTAssertEqual(message(try edit { Self.setPatient(&$0, "protectedIdentifiers", "MRN 1234567") }),
                       "\(f): field 'patient.protectedIdentifiers': expected a list of strings")
        XCTAssertEqual(message(try edit { Self.setPatient(&$0, "protectedIdentifiers", ["MRN\u{1B}[31m"]) }),
                       "\(f): field 'patient.protectedIdentifiers[0]': contains a control character")
    }

    func testNonSyntheticCaseNeedsNoNote() throws {
        let c = try CaseFile.decode(try edit { $0["synthetic"] = false; $0["note"] = nil }, file: Self.file)
        XCTAssertFalse(c.synthetic)
        XCTAssertNil(c.note)
    }

    func testMalformedCasesGiveOneLineErrorsNamingFileAndField() throws {
        let f = Self.file
        let long201 = String(repeating: "x", count: 201)
        let long8001 = String(repeating: "y", count: 8001)
        let image = ["file": "x.png", "modality": "CR", "view": "PA", "description": "d"]
        let rows: [(String, (inout [String: Any]) -> Void, String)] = [
            ("unknown version", { $0["version"] = 2 }, "\(f): field 'version': unsupported version 2 (this build reads version 1)"),
            ("version first", { $0["version"] = 2; $0["extra"] = 1 }, "\(f): field 'version': unsupported version 2 (this build reads version 1)"),
            ("no version", { $0["version"] = nil }, "\(f): field 'version': missing"),
            ("version as string", { $0["version"] = "1" }, "\(f): field 'version': expected a whole number"),
            ("unknown field", { $0["priorreport"] = "x" }, "\(f): field 'priorreport': unknown field"),
            ("no title", { $0["title"] = nil }, "\(f): field 'title': missing"),
            ("null title", { $0["title"] = NSNull() }, "\(f): field 'title': missing"),
            ("title not a string", { $0["title"] = 42 }, "\(f): field 'title': expected a string"),
            ("blank title", { $0["title"] = "   " }, "\(f): field 'title': must not be blank"),
            ("overlong title", { $0["title"] = long201 }, "\(f): field 'title': longer than 200 characters"),
            ("escape in title", { $0["title"] = "A\u{1B}[2J" }, "\(f): field 'title': contains a control character"),
            ("newline in title", { $0["title"] = "A\nB" }, "\(f): field 'title': contains a control character"),
            ("overlong history", { $0["history"] = long8001 }, "\(f): field 'history': longer than 8000 characters"),
            ("no question", { $0["question"] = nil }, "\(f): field 'question': missing"),
            ("synthetic not bool", { $0["synthetic"] = "yes" }, "\(f): field 'synthetic': expected true or false"),
            ("synthetic without note", { $0["note"] = nil }, "\(f): field 'note': missing (required when 'synthetic' is true)"),
            ("patient not object", { $0["patient"] = "SYN-T-0001" }, "\(f): field 'patient': expected an object"),
            ("no patient id", { Self.setPatient(&$0, "id", nil) }, "\(f): field 'patient.id': missing"),
            ("patient name refused", { Self.setPatient(&$0, "name", "Doe^Jane") }, "\(f): field 'patient.name': unknown field"),
            ("negative age", { Self.setPatient(&$0, "age", -1) }, "\(f): field 'patient.age': must be between 0 and 130"),
            ("fractional age", { Self.setPatient(&$0, "age", 40.5) }, "\(f): field 'patient.age': expected a whole number"),
            ("age as string", { Self.setPatient(&$0, "age", "40") }, "\(f): field 'patient.age': expected a whole number"),
            ("sex spelt out", { Self.setPatient(&$0, "sex", "female") }, "\(f): field 'patient.sex': must be one of F, M, O, U"),
            ("images not a list", { $0["images"] = "a.png" }, "\(f): field 'images': expected a list"),
            ("no images", { $0["images"] = [] as [Any] }, "\(f): field 'images': must not be empty"),
            ("too many images", { $0["images"] = Array(repeating: image, count: 17) }, "\(f): field 'images': has 17 entries; at most 16 are allowed"),
            ("image not an object", { var i = $0["images"] as! [Any]; i[1] = "b.png"; $0["images"] = i }, "\(f): field 'images[1]': expected an object"),
            ("parent path", { Self.setImage(&$0, 2, "file", "../x.png") }, "\(f): field 'images[2].file': must be a relative path inside the study"),
            ("inner parent path", { Self.setImage(&$0, 1, "file", "scans/../../x.png") }, "\(f): field 'images[1].file': must be a relative path inside the study"),
            ("absolute path", { Self.setImage(&$0, 0, "file", "/etc/passwd") }, "\(f): field 'images[0].file': must be a relative path inside the study"),
            ("backslash path", { Self.setImage(&$0, 0, "file", "..\\x.png") }, "\(f): field 'images[0].file': must be a relative path inside the study"),
            ("folder itself", { Self.setImage(&$0, 0, "file", ".") }, "\(f): field 'images[0].file': must be a relative path inside the study"),
            ("no view", { Self.setImage(&$0, 0, "view", nil) }, "\(f): field 'images[0].view': missing"),
            ("unknown image field", { Self.setImage(&$0, 2, "patientName", "x") }, "\(f): field 'images[2].patientName': unknown field"),
            ("zero window width", { Self.setImage(&$0, 2, "window", ["center": 40, "width": 0]) }, "\(f): field 'images[2].window.width': must be greater than 0"),
            ("window centre as text", { Self.setImage(&$0, 2, "window", ["center": "40", "width": 400]) }, "\(f): field 'images[2].window.center': expected a number"),
            ("window not object", { Self.setImage(&$0, 2, "window", [40, 400]) }, "\(f): field 'images[2].window': expected an object"),
            ("comparison without description", { $0["comparison"] = ["id": "t-00"] }, "\(f): field 'comparison.description': missing"),
            ("attribution of unknown image", { $0["attribution"] = [["image": "z.png", "source": "s", "license": "l", "citation": "c"]] },
             "\(f): field 'attribution[0].image': names no image of this study"),
            ("attribution without license", { $0["attribution"] = [["image": "a.png", "source": "s", "citation": "c"]] },
             "\(f): field 'attribution[0].license': missing"),
        ]
        for (name, change, expected) in rows {
            XCTAssertEqual(message(try edit(change)), expected, name)
        }
    }

    /// An image may list its prior; the case then has its own date, later than the prior's.
    /// The prior's file may carry attribution, and the fields round-trip.
    func testPriorAndStudyDate() throws {
        let data = try edit { d in
            d["date"] = "2025-01-10"
            Self.setImage(&d, 0, "prior", ["file": "old/a.png", "date": "2024-02-29"])
            d["attribution"] = [["image": "old/a.png", "source": "s", "license": "CC0", "citation": "none"]]
        }
        let c = try CaseFile.decode(data, file: Self.file)
        XCTAssertEqual(c.date, "2025-01-10")
        XCTAssertEqual(c.images[0].prior, CasePrior(file: "old/a.png", date: "2024-02-29"))
        XCTAssertNil(c.images[1].prior)
        XCTAssertEqual(try CaseFile.decode(try JSONEncoder().encode(c), file: Self.file), c)
        let plain = try CaseFile.decode(try Self.data(Self.base()), file: Self.file)
        XCTAssertNil(plain.date)
        XCTAssertFalse(String(decoding: try JSONEncoder().encode(plain), as: UTF8.self).contains("prior"), "absent fields stay absent")
        // A date alone (no prior) is fine too.
        XCTAssertEqual(try CaseFile.decode(try edit { $0["date"] = "2025-01-10" }, file: Self.file).date, "2025-01-10")
    }

    func testMalformedPriorsGiveOneLineErrors() throws {
        let f = Self.file
        let prior = ["file": "old.png", "date": "2024-03-01"]
        func with(_ p: Any, date: Any? = "2025-01-10") -> (inout [String: Any]) -> Void {
            { d in d["date"] = date; Self.setImage(&d, 1, "prior", p) }
        }
        let rows: [(String, (inout [String: Any]) -> Void, String)] = [
            ("prior without study date", with(prior, date: nil), "\(f): field 'date': missing (required when an image has a prior)"),
            ("study date as number", { $0["date"] = 20250110 }, "\(f): field 'date': expected a string"),
            ("study date in another form", { $0["date"] = "10.01.2025" }, "\(f): field 'date': expected a date written YYYY-MM-DD"),
            ("study date with time", { $0["date"] = "2025-01-10T12:00" }, "\(f): field 'date': expected a date written YYYY-MM-DD"),
            ("no such day", { $0["date"] = "2025-02-29" }, "\(f): field 'date': no such date"),
            ("month 13", { $0["date"] = "2025-13-01" }, "\(f): field 'date': no such date"),
            ("prior not an object", with("old.png"), "\(f): field 'images[1].prior': expected an object"),
            ("prior without file", with(["date": "2024-03-01"]), "\(f): field 'images[1].prior.file': missing"),
            ("prior without date", with(["file": "old.png"]), "\(f): field 'images[1].prior.date': missing"),
            ("prior outside the study", with(["file": "../old.png", "date": "2024-03-01"]),
             "\(f): field 'images[1].prior.file': must be a relative path inside the study"),
            ("prior date malformed", with(["file": "old.png", "date": "2024-3-1"]),
             "\(f): field 'images[1].prior.date': expected a date written YYYY-MM-DD"),
            ("prior on the study's day", with(["file": "old.png", "date": "2025-01-10"]),
             "\(f): field 'images[1].prior.date': must be before the study's date (2025-01-10)"),
            ("prior after the study", with(["file": "old.png", "date": "2026-01-01"]),
             "\(f): field 'images[1].prior.date': must be before the study's date (2025-01-10)"),
            ("unknown prior field", with(["file": "old.png", "date": "2024-03-01", "report": "x"]),
             "\(f): field 'images[1].prior.report': unknown field"),
        ]
        for (name, change, expected) in rows {
            XCTAssertEqual(message(try edit(change)), expected, name)
        }
    }

    func testWholeFileErrors() throws {
        let f = Self.file
        XCTAssertEqual(message(Data("[1, 2]".utf8)), "\(f): expected an object")
        XCTAssertEqual(message(Data([0xFF, 0xFE, 0x7B])), "\(f): not UTF-8 text")
        let broken = message(Data("{\n  \"version\": 1,\n  \"id\": \n}".utf8))
        XCTAssertEqual(broken, "\(f): not valid JSON (invalid value at line 4, column 1)")
        XCTAssertEqual(broken?.contains("\n"), false)
        var big = Data("{\"version\": 1, \"history\": \"".utf8)
        big.append(Data(repeating: 0x61, count: CaseFile.byteLimit))
        XCTAssertEqual(message(big), "\(f): larger than 1000000 bytes; a case file must be smaller")
    }

    func testLoadReadsAtMostTheLimitAndNamesTheFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("casefile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("case.json").path
        XCTAssertThrowsError(try CaseFile.load(path: path)) { XCTAssertEqual("\($0)", "\(path): not found") }
        XCTAssertThrowsError(try CaseFile.load(path: dir.path)) { XCTAssertEqual("\($0)", "\(dir.path): is a folder, not a file") }
        try Data(repeating: 0x20, count: CaseFile.byteLimit + 10).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CaseFile.load(path: path)) {
            XCTAssertEqual("\($0)", "\(path): larger than 1000000 bytes; a case file must be smaller")
        }
        try Self.data(Self.base()).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try CaseFile.load(path: path).id, "t-01")
    }

    func testErrorMessagesStayOnOneLine() {
        let e = CaseFileError(file: "a\nb/case.json", field: "x\u{1B}", problem: "bad\rthing")
        XCTAssertEqual(e.description, "a b/case.json: field 'x ': bad thing")
    }

    func testPatientPrintsWithoutItsId() {
        let p = CasePatient(id: "SYN-T-0001", age: 40, sex: .female)
        XCTAssertEqual("\(p)", "40 years, female")
        var dumped = ""
        dump(p, to: &dumped)
        XCTAssertFalse(dumped.contains("SYN-T-0001"), dumped)
    }
}
