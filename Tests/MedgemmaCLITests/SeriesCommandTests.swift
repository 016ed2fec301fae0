import Foundation
import MedImaging
import TestSupport
import XCTest

/// `medgemma info DIR` and `medgemma convert FILE|DIR OUT`, run as a user would, against
/// the series fixtures (pydicom's order, numpy's .npy bytes).
final class SeriesCommandTests: XCTestCase {
    private let series = TestEnvironment.fixture("dicom/series")
    private var out: URL!

    override func setUpWithError() throws {
        out = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-convert-\(getpid())-\(name.hashValue)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: out)
    }

    private func folder(_ name: String) -> String { series.appendingPathComponent(name).path }

    private func expected(_ relative: String) throws -> Data { try Data(contentsOf: series.appendingPathComponent(relative)) }

    func testInfoDirText() throws {
        let r = try CommandRunner.medgemma(["info", folder("ct_gap")])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Folder       \(folder("ct_gap")) (6 entries: 6 slices in 1 series)")
        for line in ["Series 1     CT, ct_gap fixture (series number 3)",
                     "Slices       6, sorted by position",
                     "Size         16 × 16 pixels, gray, 16 bits stored, signed",
                     "Spacing      0.7 × 0.8 mm per pixel (row × column), 2.5 mm between slices",
                     "Orientation  axial",
                     "Window       width 400, center 40 (SOFT TISSUE); also 1500/-600 (LUNG)",
                     "Notes        gap after slice 3: 7.5 mm where slices are 2.5 mm apart"] {
            XCTAssertTrue(lines.contains(line), "missing '\(line)' in\n\(r.stdout)")
        }
        XCTAssertFalse(r.stdout.contains("FIXTURE-SERIES"), "the patient id never appears")
        let unreadable = try CommandRunner.medgemma(["info", folder("with_unreadable")])
        XCTAssertEqual(unreadable.status, 0, unreadable.stderr)
        XCTAssertTrue(unreadable.stdout.contains("Unreadable   \(folder("with_unreadable"))/broken.dcm: truncated DICOM: "), unreadable.stdout)
        XCTAssertTrue(unreadable.stdout.contains("2 not DICOM images, ignored"), unreadable.stdout)
    }

    func testInfoDirJSONListsTheFilesInPydicomsOrder() throws {
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: expected("series_manifest.json")) as? [String: Any])
        let folders = try XCTUnwrap(manifest["folders"] as? [String: [String: Any]])
        for name in ["two_series", "mr_oblique", "multiframe"] {
            let r = try CommandRunner.medgemma(["info", "--json", folder(name)])
            XCTAssertEqual(r.status, 0, r.stderr)
            let info = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            let got = try XCTUnwrap(info["series"] as? [[String: Any]])
            let want = try XCTUnwrap(folders[name]?["series"] as? [[String: Any]])
            XCTAssertEqual(got.count, want.count, name)
            for (g, w) in zip(got, want) {
                let files = try XCTUnwrap(g["files"] as? [[String: Any]])
                XCTAssertEqual(files.map { $0["file"] as? String }, try XCTUnwrap(w["files"] as? [String]).map { $0 }, name)
                XCTAssertEqual(g["orientation"] as? String, w["orientation"] as? String, name)
                XCTAssertEqual(g["modality"] as? String, w["modality"] as? String, name)
                XCTAssertEqual(g["slices"] as? Int, w["slices"] as? Int, name)
                XCTAssertEqual(try XCTUnwrap(g["slice_spacing"] as? Double), try XCTUnwrap(w["sliceSpacing"] as? Double), accuracy: 1e-9)
            }
        }
    }

    /// Byte for byte what numpy's np.save writes for pydicom's pixel_array (stacked for a series).
    func testConvertNPYMatchesNumpy() throws {
        for (input, npy, extra) in [("ct_axial", "ct_axial_1", [String]()), ("two_series", "two_series_2", ["--series", "2"]),
                                    ("multiframe", "multiframe_1", []), ("multiframe/ct_volume.dcm", "file_ct_volume", []),
                                    ("enhanced", "enhanced_1", [])] {
            let path = out.appendingPathComponent("\(npy).npy").path
            let r = try CommandRunner.medgemma(["convert"] + extra + [folder(input), path])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), try expected("expected/\(npy).npy"), input)
        }
        let rgb = out.appendingPathComponent("rgb.npy").path
        let r = try CommandRunner.medgemma(["convert", TestEnvironment.fixture("dicom/explicit_rgb8_planar1.dcm").path, rgb])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: rgb)), try expected("expected/file_explicit_rgb8_planar1.npy"))
    }

    /// The PNG is the slice as rendered through the chosen window at its own size.
    func testConvertPNGIsTheDisplayedSlice() throws {
        let png = out.appendingPathComponent("slice.png").path
        let r = try CommandRunner.medgemma(["convert", "--slice", "2", "--preset", "lung", "--invert", folder("ct_axial"), png])
        XCTAssertEqual(r.status, 0, r.stderr)
        let written = try MedicalImage.load(path: png)
        let series = try DICOMSeriesFolder.open(path: folder("ct_axial")).series[0]
        let (image, frame) = try series.loadSlice(2)
        let view = ImageView(frame: frame, window: VOIWindow(center: -600, width: 1500), invert: true)
        let rendered = image.render(view: view, width: 16, height: 16)
        XCTAssertEqual(written.pixels, rendered.pixels)
        XCTAssertEqual(written.width, 16)

        let defaultWindow = out.appendingPathComponent("frame.png").path
        let f = try CommandRunner.medgemma(["convert", "--frame", "3", folder("multiframe/ct_volume.dcm"), defaultWindow])
        XCTAssertEqual(f.status, 0, f.stderr)
        let volume = try DICOMDecoder.decode(path: folder("multiframe/ct_volume.dcm"))
        XCTAssertEqual(try MedicalImage.load(path: defaultWindow).pixels, volume.render(view: ImageView(frame: 3), width: 16, height: 16).pixels)
    }

    func testConvertErrorsAreOneLine() throws {
        let npy = out.appendingPathComponent("x.npy").path
        let cases: [([String], Int32, String)] = [
            (["convert", folder("two_series"), npy], 1,
             "medgemma convert: \(folder("two_series")): holds 2 series; choose one with --series 1…2 (see 'medgemma info \(folder("two_series"))')\n"),
            (["convert", folder("lying"), npy], 1,
             "medgemma convert: \(folder("lying"))/IM8369.dcm: truncated DICOM: pixel data holds 64 bytes, 16×16×1 frame(s) of 1×16-bit samples need 512\n"),
            (["convert", folder("ct_axial"), out.appendingPathComponent("x.jpg").path], 2,
             "medgemma convert: OUT must end in .png or .npy (got '\(out.appendingPathComponent("x.jpg").path)') (see 'medgemma convert --help')\n"),
            (["convert", "--window", "400/40", folder("ct_axial"), npy], 2,
             "medgemma convert: --window changes the picture, not the stored values: it is for .png (see 'medgemma convert --help')\n"),
            (["convert", "--slice", "6", folder("ct_axial"), npy], 1,
             "medgemma convert: \(folder("ct_axial")): slice 6 does not exist (the series has 6, numbered from 0)\n"),
            (["convert", "--preset", "liver", folder("ct_axial"), out.appendingPathComponent("x.png").path], 2,
             "medgemma convert: unknown preset 'liver' (use soft-tissue, lung, bone, brain) (see 'medgemma convert --help')\n"),
            (["convert", folder("ct_axial"), "/nonexistent-folder/x.npy"], 1,
             "medgemma convert: /nonexistent-folder/x.npy: cannot save: cannot create a file in /nonexistent-folder (No such file or directory)\n"),
        ]
        for (arguments, status, message) in cases {
            let r = try CommandRunner.medgemma(arguments)
            XCTAssertEqual(r.status, status, arguments.joined(separator: " "))
            XCTAssertEqual(r.stderr, message)
            XCTAssertEqual(r.stdout, "")
        }
        let help = try CommandRunner.medgemma(["convert", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.hasPrefix("Usage: medgemma convert "), help.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: npy), "a failed convert leaves no file")
    }
}
