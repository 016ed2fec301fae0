import Foundation
import TestSupport
import Workstation
import XCTest

/// `ask --image DIR --slices N` end to end on the real default model with the tiny
/// 640-wide mmproj: which slices go is said, then the cost, before anything is sent; the
/// slices come from the disk cache the next time; `--slices` without a series and a
/// series with other pictures are usage errors with their exact messages.
final class AskSeriesTests: XCTestCase {
    private var mmproj: String { TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path }
    private func folder(_ name: String) -> String { TestEnvironment.fixture("dicom/series/\(name)").path }
    private var temporary = ""

    override func setUp() {
        temporary = NSTemporaryDirectory() + "ask-series-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: temporary) }

    func testThreeCTWindowedSlicesSayWhichAndTheirCostFirst() throws {
        let model = try TestEnvironment.defaultModel()
        let env = ["XDG_CACHE_HOME": temporary + "/cache"]
        let args = ["ask", "--model", model, "--mmproj", mmproj, "--image", folder("ct_axial"), "--slices", "3", "--ct-windows",
                    "--temperature", "0", "--max-tokens", "2", "Is there a mass?"]
        let first = try CommandRunner.medgemma(args, environment: env)
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = first.stderr.components(separatedBy: "\n")
        let which = try XCTUnwrap(lines.firstIndex(of: "\(folder("ct_axial")): CT series of 6 slices; showing 3: 1, 4, 6"), first.stderr)
        let cost = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("asking about 3 images: ") }, first.stderr)
        XCTAssertLessThan(which, cost)
        XCTAssertTrue(lines[cost].contains(" tokens to prefill (3 × 40 image + "), lines[cost])
        XCTAssertTrue(first.stderr.contains(Disclaimer.text), first.stderr)

        let again = try CommandRunner.medgemma(args, environment: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("asking about 3 images: all cached (free); "), again.stderr)
        XCTAssertEqual(again.stdout, first.stdout, "same slices, same seed, same answer")
    }

    func testAFolderWithoutSlicesTakesTheDefault() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--image", folder("ct_axial"),
                                            "--temperature", "0", "--max-tokens", "1", "q"],
                                           environment: ["XDG_CACHE_HOME": temporary + "/cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // A CT series without a window goes through the notebook's three CT windows.
        XCTAssertTrue(r.stderr.contains("CT series of 6 slices; showing 6: 1, 2, 3, 4, 5, 6 (CT windows as R, G, B, as Google's notebook; "
                                        + "--window W/C for one window)\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("asking about 6 images: "), r.stderr)
    }

    func testASeriesTooLongForTheContextFailsBeforeEncoding() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--image", folder("ct_axial"), "--ctx", "128",
                                            "--max-tokens", "1", "q"], environment: ["XDG_CACHE_HOME": temporary + "/cache"])
        XCTAssertEqual(r.status, 1, r.stderr)
        // 6 slices × 40 + the labels and the question.
        XCTAssertTrue(r.stderr.contains("medgemma ask: 6 images need "), r.stderr)
        XCTAssertTrue(r.stderr.contains(" tokens to prefill, more than the context of 128: raise --ctx or show fewer pictures"), r.stderr)
        XCTAssertFalse(r.stderr.contains("encoded"), "nothing was encoded: \(r.stderr)")
    }

    /// `--series 2` of a folder of two: the CT series of four slices (the fixture's
    /// Series Number 2), not the MR one listed first.
    func testSeriesChoosesOneSeriesOfAFolder() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--image", folder("two_series"), "--series", "2",
                                            "--slices", "2", "--temperature", "0", "--max-tokens", "1", "q"],
                                           environment: ["XDG_CACHE_HOME": temporary + "/cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(folder("two_series")): CT series of 4 slices; showing 2: 1, 4 (CT windows"), r.stderr)
    }

    func testUsageErrors() throws {
        let png = TestEnvironment.samples.appendingPathComponent("cxr-01/cxr_nih_chestxray14_00000001_000.png").path
        let dir = folder("ct_axial")
        let rows: [([String], Int32, String)] = [
            (["--slices", "3", "q"], 2, "medgemma ask: --slices needs --image"),
            (["--image", png, "--slices", "3", "q"], 2,
             "medgemma ask: --slices needs a series: \(png) is neither a folder of DICOM slices nor a multi-frame DICOM file"),
            (["--image", dir, "--image", png, "q"], 2,
             "medgemma ask: a series is asked about alone: give one --image (a folder of DICOM slices or a multi-frame DICOM file)"),
            (["--image", dir, "--slices", "0", "q"], 2, "medgemma ask: --slices must be an integer in 1...256, got '0'"),
            (["--image", dir, "--save-model-input", temporary + "/x.png", "q"], 2,
             "medgemma ask: --save-model-input saves one picture: it does not go with a series"),
            (["--image", folder("two_series"), "q"], 1,
             "medgemma ask: \(folder("two_series")): holds 2 series; choose one with --series 1…2 (see 'medgemma info \(folder("two_series"))')"),
            (["--image", folder("two_series"), "--series", "3", "q"], 1,
             "medgemma ask: \(folder("two_series")): series 3 does not exist (the folder holds 2)"),
            (["--image", png, "--series", "1", "q"], 2, "medgemma ask: --series is for a folder of DICOM slices"),
            (["--series", "1", "q"], 2, "medgemma ask: --series needs --image DIR"),
        ]
        for (args, status, message) in rows {
            let r = try CommandRunner.medgemma(["ask"] + args)
            XCTAssertEqual(r.status, status, r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix(message), r.stderr)
        }
        let help = try CommandRunner.medgemma(["ask", "--help"])
        XCTAssertTrue(help.stdout.contains("[--image DIR|MULTIFRAME.dcm [--slices N] [--series N]]"), help.stdout)
        XCTAssertTrue(help.stdout.contains("--series N         which series of a folder that holds several"), help.stdout)
        XCTAssertTrue(help.stdout.contains("--slices N         a CT or MR series in one question"), help.stdout)
    }
}
