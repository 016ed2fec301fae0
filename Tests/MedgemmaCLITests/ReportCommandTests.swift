import Foundation
import Gemma
import GGUF
import TestSupport
import Workstation
import XCTest

/// `medgemma report` as a user runs it, on the real default model (text-only: the images
/// are stamped but not sent). Expected hashes and DICOM UIDs are sha256sum's and pydicom's.
final class ReportCommandTests: XCTestCase {
    private let modelSHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"

    /// Each sample: its image file, the file's sha256, and (DICOM) Study/Series/SOP Instance UIDs.
    private let samples: [(String, String, String, [String]?)] = [
        ("ct-01", "ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm", "28c4a61022d7dbebec97e2f1bbdad0ed097bee2c62727c26a3f3720248c9c6e7",
         ["1.2.826.0.1.3680043.2.1125.1.38381854871216336385978062044218957", "1.2.826.0.1.3680043.2.1125.1.68878959984837726447916707551399667",
          "1.2.826.0.1.3680043.2.1125.1.8828356712501776637392831168989589"]),
        ("cxr-01", "cxr_nih_chestxray14_00000001_000.png", "c8cbe59e6b9b186060dc68e63965658fa6b5b3ada6648d25c189b8b69b43cd4c", nil),
        ("cxr-02", "cxr_nih_chestxray14_00027426_000.png", "c03ad7e574b14cf8442e61f9a4e849997b5e09f645ece069b714e5d4c5d8a2c2", nil),
        ("derm-01", "derm_pad-ufes-20_PAT_56_88_274_BCC.png", "f0d611660cc66dfe30dd8e06b7412bb88d5837543d4d9c2e1e6e3bf7d3af97a2", nil),
        ("fundus-01", "fundus_skimage_retina_normal_left_eye.jpg", "38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6", nil),
        ("histo-01", "histo_openslide_CMU-1-Small-Region_20x_tile_896.png", "fda8aabc0bf2f1284d51f221194890eb2ddd13d6de9dddd56669d0081a790e61", nil),
        ("mr-01", "mr_gdcm_siemens_abdomen_t1vibe.dcm", "5b2c4117e6f09cac2fad7a222ba585866d59887c269b4e1a9180a9f89edcb51e",
         ["1.2.124.113532.10.122.1.203.20051130.122937.2950157", "1.3.12.2.1107.5.2.30.25641.30010005113009191059300000190",
          "1.3.12.2.1107.5.2.30.25641.30010005113009191059300000189"]),
        // A series entry reports on its first slice along z, stamped as that file.
        ("mr-02", "mr_mricron_ch2_t1_axial/slice_001.dcm", "b051b08e08cdce3d309a32526b4033f1609fc1b3c78032d96f053574daa500b3",
         ["1.2.826.0.1.3680043.8.498.25756026909319606839448660247752866843", "1.2.826.0.1.3680043.8.498.76452569790484292811613570085575808953",
          "1.2.826.0.1.3680043.8.498.29490738969897458146425139791097898911"]),
    ]

    private var temporary = ""

    override func setUp() {
        temporary = NSTemporaryDirectory() + "report-command-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: temporary) }

    private func object(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The report `medgemma report --temperature 0 --max-tokens 24` should write for a study
    /// (text only: no mmproj), drafted here through the in-process backend directly.
    private func inProcessDraft(study path: String, model: String) throws -> String {
        let caseFile = try XCTUnwrap(Study(path: path).caseFile)
        var sampling = SamplingSettings()
        sampling.temperature = 0
        let request = ReportRequest(caseFile: caseFile, imageNumber: 1, image: nil,
                                    sampling: GenerationSettings(sampling: sampling, maxTokens: 24))
        let backend = LocalEngineBackend(engine: try Engine(path: model), modelName: "m", contextSize: 4096)
        let session = ChatSession(backend: backend)
        try request.start(on: session)
        session.waitUntilIdle()
        return try XCTUnwrap(ReportRequest.draftText(in: session.snapshot()))
    }

    /// A save stopped by a file-size limit (as by a full disk) ends in one message naming
    /// the problem, the old folder without a partial file, and the draft on standard output
    /// (the process used to be killed by SIGXFSZ, leaving a temporary file and no message).
    func testAFileSizeLimitKeepsTheDraftAndLeavesNoPartialFile() throws {
        let model = try TestEnvironment.defaultModel()
        let out = NSTemporaryDirectory() + "report-limit-\(getpid())"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let study = TestEnvironment.samples.appendingPathComponent("cxr-01").path
        let r = try CommandRunner.medgemma(["report", "--model", model, "--max-tokens", "12", "--temperature", "0", "--out", out, study],
                                           fileSizeLimitKiB: 1)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cxr-01 · failed: cannot save the report for cxr-01: \(out): write failed (File too large)"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), [], "no partial or temporary file")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("--- unsaved draft report for \(study) (") }, r.stdout)
        let end = try XCTUnwrap(lines.firstIndex { $0 == "--- end of the unsaved draft ---" }, r.stdout)
        XCTAssertGreaterThan(end, start + 1, "the draft's text between the markers")
        XCTAssertFalse(lines[(start + 1)..<end].joined().trimmingCharacters(in: .whitespaces).isEmpty)
    }

    func testBatchReportOverEverySample() throws {
        let model = try TestEnvironment.defaultModel()
        let out = temporary + "/out"
        let folders = samples.map { TestEnvironment.samples.appendingPathComponent($0.0).path }
        let r = try CommandRunner.medgemma(["report", "--model", model, "--max-tokens", "24", "--temperature", "0",
                                            "--out", out, "--json"] + folders)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "no vision part").count, 2, "said once: \(r.stderr)")
        let progress = r.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("study ") }
        XCTAssertEqual(progress.count, samples.count, r.stderr)
        for (k, line) in progress.enumerated() {
            XCTAssertNotNil(line.range(of: "^study \(k + 1) of \(samples.count) · \(samples[k].0) · [0-9]+\\.[0-9] tok/s$", options: .regularExpression), line)
        }
        XCTAssertTrue(r.stderr.contains(Disclaimer.text))

        let summary = try object(Data(r.stdout.utf8))
        XCTAssertEqual(summary["failed"] as? [String], [])
        let studies = try XCTUnwrap(summary["studies"] as? [[String: Any]])
        XCTAssertEqual(studies.count, samples.count)
        for ((name, file, sha256, uids), (entry, folder)) in zip(samples, zip(studies, folders)) {
            XCTAssertEqual(entry["study"] as? String, folder)
            XCTAssertEqual(entry["status"] as? String, "saved", "\(entry)")
            XCTAssertEqual(entry["generatedTokens"] as? Int, 24, "\(name): greedy text runs to --max-tokens")
            let mdPath = try XCTUnwrap(entry["markdown"] as? String)
            let fhirPath = try XCTUnwrap(entry["fhir"] as? String)
            XCTAssertNotNil(mdPath.range(of: "^\(out)/\(name)-report-[0-9]{8}T[0-9]{6}Z\\.md$", options: .regularExpression), mdPath)
            XCTAssertEqual(fhirPath, String(mdPath.dropLast(3)) + ".fhir.json")
            for path in [mdPath, fhirPath] {
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
                XCTAssertEqual(mode?.intValue, 0o600, path)
            }
            let markdown = try String(contentsOfFile: mdPath, encoding: .utf8)
            XCTAssertTrue(markdown.contains("> \(Disclaimer.text)\n"))
            let text = try XCTUnwrap(MarkdownReportWriter.reportText(in: markdown), name)
            if name == samples[0].0 {
                // The saved text is the draft the engine writes for the same request.
                XCTAssertEqual(text.trimmingCharacters(in: .whitespacesAndNewlines),
                               try inProcessDraft(study: folder, model: model).trimmingCharacters(in: .whitespacesAndNewlines))
            }

            let fhir = try object(Data(contentsOf: URL(fileURLWithPath: fhirPath)))
            XCTAssertEqual(fhir["resourceType"] as? String, "DiagnosticReport")
            XCTAssertEqual(fhir["status"] as? String, "preliminary")
            XCTAssertEqual(fhir["conclusion"] as? String, ReportSections(parsing: text)[.impression], name)
            let form = try XCTUnwrap((fhir["presentedForm"] as? [[String: Any]])?.first)
            XCTAssertEqual(form["contentType"] as? String, "text/markdown")
            XCTAssertEqual(Data(base64Encoded: try XCTUnwrap(form["data"] as? String)), Data(markdown.utf8), name)
            let caseFile = try XCTUnwrap(Study(path: folder).caseFile)
            XCTAssertEqual((fhir["subject"] as? [String: Any])?["reference"] as? String, "Patient/\(caseFile.patient.id)")
            let studyID = try XCTUnwrap(((fhir["imagingStudy"] as? [[String: Any]])?.first?["identifier"] as? [String: Any])?["value"] as? String)
            XCTAssertEqual(studyID, uids.map { "urn:oid:" + $0[0] } ?? name)

            let extensions = try XCTUnwrap(fhir["extension"] as? [[String: Any]])
            let stampJSON = try XCTUnwrap(extensions.first { $0["url"] as? String == FHIRDiagnosticReport.extensionURL }?["valueString"] as? String)
            let stamp = try JSONDecoder().decode(ReportStamp.self, from: Data(stampJSON.utf8))
            XCTAssertEqual(stamp.model, StampedFile(name: "gemma-3-270m-q4_k_m.gguf", sha256: modelSHA256))
            XCTAssertNil(stamp.mmproj)
            XCTAssertEqual(stamp.engineVersion, "0.1.0")
            // The backend as the status bar names it: the model's own name, in-process.
            XCTAssertEqual(stamp.backend, "\(try XCTUnwrap(try GGUFFile(path: model).metadata.string("general.name"))) · in-process")
            XCTAssertEqual(stamp.settings.temperature, 0)
            XCTAssertEqual(stamp.settings.maxTokens, 24)
            XCTAssertEqual(stamp.settings.seed, 0)
            XCTAssertEqual(stamp.settings.topK, 64)
            XCTAssertEqual(stamp.systemPrompt, CaseContext(caseFile).systemInstruction)
            XCTAssertEqual(stamp.userPrompt, ReportPrompt.user(for: caseFile, imageNumber: 1, imageAttached: false))
            XCTAssertEqual(stamp.images, [StampedImage(file: file, sha256: sha256,
                                                       preparation: "no vision part (mmproj) loaded; the report is from the case text only",
                                                       sentToModel: false, studyInstanceUID: uids?[0], seriesInstanceUID: uids?[1],
                                                       sopInstanceUID: uids?[2])])
            XCTAssertNotNil(stamp.createdAt.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$",
                                                  options: .regularExpression), stamp.createdAt)
            XCTAssertEqual(stamp.reviewer, ReviewerFields())
            XCTAssertEqual(stamp.disclaimer, Disclaimer.text)
            XCTAssertEqual(fhir["effectiveDateTime"] as? String, stamp.createdAt)
        }
    }

    /// With a vision part (the tiny random mmproj for the 270M model) the image is sent,
    /// through the case's window, and the mmproj is stamped.
    func testWithAVisionPartTheImageIsSentAndStamped() throws {
        let model = try TestEnvironment.defaultModel()
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let out = temporary + "/out"
        let folder = TestEnvironment.samples.appendingPathComponent("ct-01").path
        let r = try CommandRunner.medgemma(["report", "--model", model, "--mmproj", mmproj, "--max-tokens", "2",
                                            "--temperature", "0", "--out", out, "--json", folder])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("no vision part"), r.stderr)
        let entry = try XCTUnwrap((try object(Data(r.stdout.utf8))["studies"] as? [[String: Any]])?.first)
        let fhir = try object(Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(entry["fhir"] as? String))))
        let stampJSON = try XCTUnwrap((fhir["extension"] as? [[String: Any]])?.first?["valueString"] as? String)
        let stamp = try JSONDecoder().decode(ReportStamp.self, from: Data(stampJSON.utf8))
        XCTAssertEqual(stamp.mmproj, StampedFile(name: "mmproj-270m.gguf", sha256: "41df66c340aa59d85720be9815fc7159bb345dfb3ca5e0a6d0d72a97abf0d696"))
        XCTAssertEqual(stamp.images.map(\.sentToModel), [true])
        XCTAssertEqual(stamp.images.first?.preparation,
                       "window 400/40 (case preset); gray copied to RGB; resized to 48×48 (bilinear, antialiased) and normalised with the mmproj's mean/std")
        let caseFile = try XCTUnwrap(Study(path: folder).caseFile)
        XCTAssertEqual(stamp.userPrompt, ReportPrompt.user(for: caseFile, imageNumber: 1, imageAttached: true))
    }

    /// `--slices 3` on a study whose image is a folder of six CT slices: slices 1, 4 and 6
    /// along z (the fixture script's order) are sent, each stamped as its own file (its
    /// hash as sha256sum gives it), and the prompt says
    /// they are slices of one series. Without `--slices` the first slice alone goes.
    func testSlicesOfASeriesEntryAreSentAndStampedEachAsItsFile() throws {
        let model = try TestEnvironment.defaultModel()
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let study = URL(fileURLWithPath: temporary + "/series-study")
        try SeriesStudyFixture.write(series: "ct_axial", to: study)
        func stamp(_ extra: [String]) throws -> ReportStamp {
            let r = try CommandRunner.medgemma(["report", "--model", model, "--mmproj", mmproj, "--max-tokens", "2", "--temperature", "0",
                                                "--out", temporary + "/out", "--json"] + extra + [study.path],
                                               environment: ["XDG_CACHE_HOME": temporary + "/cache"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let entry = try XCTUnwrap((try object(Data(r.stdout.utf8))["studies"] as? [[String: Any]])?.first)
            let fhir = try object(Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(entry["fhir"] as? String))))
            let json = try XCTUnwrap((fhir["extension"] as? [[String: Any]])?.first?["valueString"] as? String)
            return try JSONDecoder().decode(ReportStamp.self, from: Data(json.utf8))
        }
        // Sorted along z, the folder's files are IM4528, IM8618, IM1992, IM3064, IM3567, IM8513.
        let three = try stamp(["--slices", "3"])
        XCTAssertEqual(three.images.map(\.file), ["slices/IM4528.dcm", "slices/IM3064.dcm", "slices/IM8513.dcm"])
        XCTAssertEqual(three.images.map(\.sentToModel), [true, true, true])
        // A CT series goes through the three CT windows, as `ask --slices` sends it.
        XCTAssertEqual(Set(three.images.map(\.preparation)), ["CT windows as R, G, B (−1024…1024, −135…215, 0…80 HU); resized to 48×48 "
                                                              + "(bilinear, antialiased) and normalised with the mmproj's mean/std"])
        for image in three.images {
            XCTAssertEqual(image.sha256, try Sha256Sum.of(study.appendingPathComponent(image.file).path), image.file)
        }
        XCTAssertTrue(three.userPrompt.contains("attached (a series: 3 of its 6 slices, in order, each after its slice label): "), three.userPrompt)
        let first = try stamp([])
        XCTAssertEqual(first.images.map(\.file), ["slices/IM4528.dcm"])
        XCTAssertFalse(first.userPrompt.contains("slices"), first.userPrompt)
    }

    /// A broken case fails that study only: the next one is still drafted (into its own
    /// `reports/` folder, as without `--out`), and the exit status names the failure.
    func testAFailingStudyIsNamedAndTheOthersFinish() throws {
        let model = try TestEnvironment.defaultModel()
        let broken = temporary + "/broken", good = temporary + "/good"
        try FileManager.default.copyItem(atPath: TestEnvironment.samples.appendingPathComponent("cxr-02").path, toPath: good)
        try FileManager.default.copyItem(atPath: TestEnvironment.samples.appendingPathComponent("cxr-02").path, toPath: broken)
        try Data("{\"version\": 1,".utf8).write(to: URL(fileURLWithPath: broken + "/case.json"))
        let r = try CommandRunner.medgemma(["report", "--model", model, "--max-tokens", "4", "--temperature", "0", broken, good])
        XCTAssertEqual(r.status, 1, r.stderr)
        let lines = r.stderr.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("study 1 of 2 · broken · failed: \(broken)/case.json: not valid JSON") }, r.stderr)
        XCTAssertTrue(lines.contains { $0.hasPrefix("study 2 of 2 · good · ") && $0.hasSuffix(" tok/s") }, r.stderr)
        XCTAssertEqual(lines.last { !$0.isEmpty }, "medgemma report: 1 of 2 studies failed: \(broken)")

        let reports = try FileManager.default.contentsOfDirectory(atPath: good + "/reports").sorted()
        XCTAssertEqual(reports.count, 2)
        XCTAssertTrue(reports[0].hasPrefix("report-") && reports[0].hasSuffix(".fhir.json"), "\(reports)")
        XCTAssertEqual(reports[1], String(reports[0].dropLast(".fhir.json".count)) + ".md")
        XCTAssertEqual(r.stdout, "\(good): \(good)/reports/\(reports[1]) \(good)/reports/\(reports[0])\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: broken + "/reports"))
    }

    func testUsage() throws {
        let none = try CommandRunner.medgemma(["report"])
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.stderr, "medgemma report: missing STUDY_DIR (see 'medgemma report --help')\n")
        let help = try CommandRunner.medgemma(["report", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.hasPrefix("Usage: medgemma report [--out DIR] [--image N] [--slices N] [--json]"), help.stdout)
        XCTAssertTrue(help.stdout.contains("--slices N         for a case image that is a series"), help.stdout)
        let bad = try CommandRunner.medgemma(["report", "--image", "0", "x"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.hasPrefix("medgemma report: --image must be an integer in 1...16, got '0'"), bad.stderr)
    }
}
