import Foundation
import TestSupport
import XCTest

/// A model folder with another model's `mmproj` in it (a 4B vision part beside the 270M
/// model): found by looking, it is passed over with a note naming it once, and the
/// command goes on without images; named with --mmproj, it is an error naming it once.
final class VisionPairingTests: XCTestCase {
    private var folder = ""
    private var model: String { folder + "/gemma-3-270m-q4_k_m.gguf" }
    private let png = TestEnvironment.samples.appendingPathComponent("cxr-02/cxr_nih_chestxray14_00027426_000.png").path

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "pairing-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: try TestEnvironment.defaultModel(), toPath: model)
        // The tiny vision fixture whose projector is 32 wide, where the 270M model is 640.
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma_vision/bad-width.gguf").path,
                                         toPath: folder + "/mmproj-medgemma-4b.gguf")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private let note = "mmproj-medgemma-4b.gguf beside the model is not used: its projector outputs 32-wide embeddings, "
        + "the model is 640 wide: a vision part for another model"

    func testReportGoesOnWithTheTextAndSaysWhy() throws {
        let r = try CommandRunner.medgemma(["report", "--model", model, "--max-tokens", "2", "--temperature", "0",
                                            "--out", folder + "/out", TestEnvironment.samples.appendingPathComponent("cxr-02").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("medgemma report: \(note)\nmedgemma report: the model has no vision part (mmproj)"), r.stderr)
    }

    func testAskAboutAnImageSaysWhichFileWasPassedOver() throws {
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--image", png, "hi"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr, "medgemma ask: \(png): an image needs the model's vision part (\(note)): "
                       + "pass --mmproj FILE (the mmproj GGUF published beside the model)\n")
    }

    func testNamedWithMMProjItIsAnErrorNamingTheFileOnce() throws {
        let mmproj = folder + "/mmproj-medgemma-4b.gguf"
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--image", png, "hi"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "mmproj-medgemma-4b.gguf").count, 2, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("medgemma ask: \(mmproj): metadata \"clip.vision.projection_dim\""), r.stderr)
    }

    func testAMatchingVisionPartBesideTheModelIsUsed() throws {
        try FileManager.default.removeItem(atPath: folder + "/mmproj-medgemma-4b.gguf")
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path,
                                         toPath: folder + "/mmproj-270m.gguf")
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--image", png, "--max-tokens", "1", "hi"],
                                           environment: ["XDG_CACHE_HOME": folder + "/cache"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("encoded 1 image"), r.stderr)
    }
}
