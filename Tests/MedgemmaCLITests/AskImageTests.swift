import Support
import Foundation
import Gemma
import MedImaging
import TestSupport
import VisionPreprocessing
import Workstation
import XCTest

/// `medgemma ask --image` end to end on the real default model with a tiny random mmproj
/// whose projector writes 640-wide rows (Tools/make_mmproj_for_270m.py): the answer is
/// meaningless, every step on the way is real.
final class AskImageTests: XCTestCase {
    private let ct = "sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm"
    private var mmproj: String { TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path }

    /// The saved "what the model sees" is Pillow's resize of the three-window CT picture
    /// (pydicom + numpy + Pillow digest); the prompt holds the image's 36 rows and the
    /// four tokens around them; the reply is what the engine gives for that embedding.
    func testAskAboutACTSliceWithThreeWindows() throws {
        let model = try TestEnvironment.defaultModel()
        let saved = NSTemporaryDirectory() + "model-input-\(getpid()).png"
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let question = "Which organ is shown?"
        let r = try CommandRunner.medgemma(["ask", "--model", model, "--mmproj", mmproj, "--image", TestEnvironment.fixture(ct).path,
                                            "--ct-windows", "--save-model-input", saved, "--temperature", "0", "--max-tokens", "5",
                                            question])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("encoded 1 image (36 tokens) in "), r.stderr)

        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture("model_input/manifest.json"))) as? [String: Any])
        let want = try XCTUnwrap((manifest["ct"] as? [String: Any])?["resized48_sha256"] as? String)
        let png = try PNGDecoder.decode(path: saved)
        XCTAssertEqual(png.width, 48)
        XCTAssertEqual(png.channels, .rgb)
        guard case .eight(let bytes) = png.pixels else { return XCTFail("8-bit expected") }
        XCTAssertEqual(SHA256.hex(of: bytes), want)

        // The same embedding through the engine in-process gives the same greedy reply.
        let engine = try Engine(path: model)
        let image = try MedicalImage.load(path: TestEnvironment.fixture(ct).path)
        let picture = try ModelImageSource.rgb(image, mode: .ctWindows(CTWindowPacker.medGemmaWindows))
        let embedding = try VisionPipeline(encoder: VisionEncoder(path: mmproj, for: engine.model))
            .encode(picture, key: VisionPipeline.key(for: picture))
        let conversation = Conversation(model: engine.model, contextSize: 4096)
        conversation.addUser(question, images: [embedding])
        let prompt = try engine.promptTokens(for: conversation)
        XCTAssertEqual(prompt.filter { $0 < 0 }.count, 36)
        final class Box: @unchecked Sendable { var text = "" }
        let box = Box()
        engine.reply(to: conversation, settings: .greedy, maxTokens: 5) { event in
            if case .token(let t) = event { box.text += t.text }
        }.wait()
        XCTAssertEqual(r.stdout, box.text + "\n")
        XCTAssertTrue(r.stderr.contains("prompt \(prompt.count) tokens"), r.stderr)
    }

    func testImageErrorsAreOneLine() throws {
        let model = try TestEnvironment.defaultModel()
        let tinyWidth = TestEnvironment.fixture("tiny_gemma_vision/mmproj-f32.gguf").path
        // HTJ2K: a compressed syntax still refused by name.
        let htj2k = TestEnvironment.fixture("dicom/unsupported_htj2k.dcm").path
        let png = TestEnvironment.fixture("sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png").path
        let cases: [([String], Int32, String)] = [
            (["--image", png, "--mmproj", tinyWidth], 1, "the projector outputs 24-wide embeddings but the text model is 640 wide"),
            (["--image", htj2k, "--mmproj", mmproj], 1, "not supported: HTJ2K (1.2.840.10008.1.2.4.201)"),
            (["--image", png, "--mmproj", mmproj, "--ct-windows"], 1, "three CT windows need a gray CT slice"),
            (["--image", png, "--mmproj", mmproj, "--window", "wide"], 2, "--window takes WIDTH/CENTER"),
            (["--ct-windows"], 2, "--ct-windows needs --image"),
        ]
        for (extra, status, message) in cases {
            let r = try CommandRunner.medgemma(["ask", "--model", model] + extra + ["hello"])
            XCTAssertEqual(r.status, status, "\(extra): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
            if status == 1 { XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr) }
            XCTAssertEqual(r.stdout, "")
        }
        // No mmproj anywhere: the message says what to pass.
        let dir = NSTemporaryDirectory() + "no-mmproj-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/model.gguf", withDestinationPath: model)
        let r = try CommandRunner.medgemma(["ask", "--model", dir + "/model.gguf", "--image", png, "hello"], environment: ["MEDGEMMA_MMPROJ": ""])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("pass --mmproj FILE"), r.stderr)
    }
}
