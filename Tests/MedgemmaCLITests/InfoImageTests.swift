import Foundation
import TestSupport
import XCTest

/// `medgemma info IMAGE` on the real sample DICOMs and on JPEG/PNG fixtures. Expected
/// values come from pydicom and Pillow (the manifests their fixture scripts wrote).
final class InfoImageTests: XCTestCase {
    private func manifest(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture(path))) as? [String: Any])
    }

    private func infoJSON(_ path: String) throws -> [String: Any] {
        let r = try CommandRunner.medgemma(["info", "--json", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    }

    func testSampleDICOMsAgainstPydicom() throws {
        let samples = try XCTUnwrap(manifest("dicom/manifest.json")["samples"] as? [[String: Any]])
        XCTAssertEqual(samples.count, 3)
        for sample in samples {
            let path = TestEnvironment.fixture(try XCTUnwrap(sample["path"] as? String)).path
            let info = try infoJSON(path)
            XCTAssertEqual(info["format"] as? String, "dicom")
            XCTAssertEqual(info["width"] as? Int, sample["columns"] as? Int, path)
            XCTAssertEqual(info["height"] as? Int, sample["rows"] as? Int, path)
            XCTAssertEqual(info["photometric"] as? String, sample["photometric"] as? String, path)
            XCTAssertEqual(info["bits_stored"] as? Int, sample["bitsStored"] as? Int, path)
            XCTAssertEqual(info["signed"] as? Bool, sample["signed"] as? Bool, path)
            let tags = try XCTUnwrap(sample["tags"] as? [String: Any])
            for (key, field) in [("modality", "modality"), ("bodyPart", "body_part"), ("studyDate", "study_date"),
                                 ("studyDescription", "study_description"), ("seriesDescription", "series_description"),
                                 ("studyInstanceUID", "study_instance_uid"), ("seriesInstanceUID", "series_instance_uid"),
                                 ("sopInstanceUID", "sop_instance_uid")] {
                XCTAssertEqual(info[field] as? String, tags[key] as? String, "\(path) \(field)")
            }
            let syntax = try XCTUnwrap(info["transfer_syntax"] as? [String: Any])
            XCTAssertEqual(syntax["uid"] as? String, tags["transferSyntaxUID"] as? String)
            XCTAssertEqual(syntax["name"] as? String, "Explicit VR Little Endian")
            let windows = try XCTUnwrap(info["windows"] as? [[String: Any]])
            let want = try XCTUnwrap(sample["windows"] as? [[String: Any]])
            XCTAssertEqual(windows.map { $0["center"] as? Double }, want.map { $0["center"] as? Double }, path)
            XCTAssertEqual(windows.map { $0["width"] as? Double }, want.map { $0["width"] as? Double }, path)
            // These files have an identity rescale, so the value range is the stored range.
            let rescale = try XCTUnwrap(info["rescale"] as? [String: Any])
            XCTAssertEqual(rescale["slope"] as? Double, 1)
            XCTAssertEqual(rescale["intercept"] as? Double, 0)
            let range = try XCTUnwrap(info["value_range"] as? [Double])
            XCTAssertEqual(range, [try XCTUnwrap(sample["storedMin"] as? Double), try XCTUnwrap(sample["storedMax"] as? Double)], path)
            XCTAssertFalse(try String(contentsOfFile: path, encoding: .isoLatin1).isEmpty)
        }
    }

    /// The human-readable card of the CT slice, which has no window of its own.
    func testCTCardNamesTheDefaultWindowAndNoIdentifiers() throws {
        let path = TestEnvironment.fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm").path
        let r = try CommandRunner.medgemma(["info", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "File         ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm")
        XCTAssertTrue(lines.contains("Format       DICOM, Explicit VR Little Endian (1.2.840.10008.1.2.1)"), r.stdout)
        XCTAssertTrue(lines.contains("Size         512 × 512 pixels"), r.stdout)
        XCTAssertTrue(lines.contains("Samples      gray, 16 bits stored, signed"), r.stdout)
        XCTAssertTrue(lines.contains("Values       -1024 … 1186"), r.stdout)
        XCTAssertTrue(lines.contains("Window       width 400, center 40 (soft tissue (default)); none in the file"), r.stdout)
        XCTAssertTrue(lines.contains("Modality     CT"), r.stdout)
        XCTAssertTrue(lines.contains("Study date   2015-11-24"), r.stdout)
        XCTAssertFalse(r.stdout.contains("PANCREAS_0001\n"), "the patient id never appears")
    }

    /// The JPEG 2000 originals of the samples (refused before the codecs came) are read and
    /// summarised with their syntax named; sizes from pydicom (the codec manifest).
    func testCompressedDICOMIsSummarisedWithItsSyntaxNamed() throws {
        let originals = try XCTUnwrap(manifest("dicom/manifest.json")["refusedSamples"] as? [[String: Any]])
        let frames = try XCTUnwrap(manifest("dicom/codecs/manifest.json")["fixtures"] as? [[String: Any]])
        XCTAssertEqual(originals.count, 2)
        for sample in originals {
            let relative = try XCTUnwrap(sample["path"] as? String), uid = try XCTUnwrap(sample["transferSyntaxUID"] as? String)
            let oracle = try XCTUnwrap(frames.first { ($0["codestream"] as? [String: Any])?["file"] as? String == relative })
            let path = TestEnvironment.fixture(relative).path
            let r = try CommandRunner.medgemma(["info", path])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = r.stdout.split(separator: "\n").map(String.init)
            XCTAssertTrue(lines.contains("Format       DICOM, JPEG 2000 (\(uid))"), r.stdout)
            XCTAssertTrue(lines.contains("Size         \(try XCTUnwrap(oracle["columns"] as? Int)) × \(try XCTUnwrap(oracle["rows"] as? Int)) pixels"), r.stdout)
        }
        // 12-bit JPEG Extended reads (pydicom's JPEG-lossy.dcm, 256 × 1024); HTJ2K is still refused by name.
        let jpeg12 = TestEnvironment.fixture("dicom/jpeg12/JPEG-lossy.dcm").path
        let lossy = try CommandRunner.medgemma(["info", jpeg12])
        XCTAssertEqual(lossy.status, 0, lossy.stderr)
        let lossyLines = lossy.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lossyLines.contains("Format       DICOM, JPEG Extended (1.2.840.10008.1.2.4.51)"), lossy.stdout)
        XCTAssertTrue(lossyLines.contains("Size         256 × 1024 pixels"), lossy.stdout)
        let htj2k = TestEnvironment.fixture("dicom/unsupported_htj2k.dcm").path
        let r = try CommandRunner.medgemma(["info", htj2k])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "medgemma info: \(htj2k): not supported: HTJ2K (1.2.840.10008.1.2.4.201)\n")
        XCTAssertEqual(r.stdout, "")
    }

    /// JPEG and PNG through the same command; sizes and channels from Pillow's manifest.
    func testJPEGAndPNG() throws {
        let fixtures = try XCTUnwrap(manifest("jpeg/manifest.json")["fixtures"] as? [[String: Any]])
        for fixture in fixtures.prefix(4) {
            let file = try XCTUnwrap(fixture["file"] as? String)
            let info = try infoJSON(TestEnvironment.fixture("jpeg/\(file)").path)
            XCTAssertEqual(info["format"] as? String, "jpeg")
            XCTAssertEqual(info["width"] as? Int, fixture["width"] as? Int, file)
            XCTAssertEqual(info["height"] as? Int, fixture["height"] as? Int, file)
            XCTAssertEqual(info["channels"] as? String, fixture["channels"] as? String, file)
            XCTAssertEqual(info["bits_stored"] as? Int, 8)
        }
        let png = TestEnvironment.fixture("sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png").path
        let info = try infoJSON(png)
        XCTAssertEqual(info["format"] as? String, "png")
        XCTAssertEqual(info["width"] as? Int, 512)
        XCTAssertEqual(info["height"] as? Int, 512)
        XCTAssertEqual(info["channels"] as? String, "gray")
    }

    /// A truncated image keeps its one-line error naming the file; a FIFO does not hang.
    func testDamagedImagesAndSpecialFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-info-img-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm").path))
        let cut = dir.appendingPathComponent("cut.dcm").path
        try source.prefix(source.count / 2).write(to: URL(fileURLWithPath: cut))
        let r = try CommandRunner.medgemma(["info", cut])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasPrefix("medgemma info: \(cut): "), r.stderr)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let f = try CommandRunner.medgemma(["info", fifo])
        XCTAssertEqual(f.status, 1)
        XCTAssertEqual(f.stderr, "medgemma info: \(fifo): not a regular file\n")
    }
}
