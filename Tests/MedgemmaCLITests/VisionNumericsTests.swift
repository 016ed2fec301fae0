import Foundation
import TestSupport
import XCTest

/// `medgemma logits --chat --image` and `medgemma embed-image` against transformers
/// (Tools/make_tiny_gemma_vision_chat.py): the tiny random vision model with a vocabulary
/// in which a chat prompt can be written (text-chat.gguf), image0.png, and what
/// Gemma3Processor + the chat template + Gemma3ForConditionalGeneration make of the same
/// question with the image after the text and before it (chat.json).
final class VisionNumericsTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Prompt: Decodable {
            let text: String
            let ids: [Int]
            let last_logits: [Float]
            let causal_image_block_max_change: Float
        }
        struct RealVocabulary: Decodable {
            let model: String
            let after_text: Prompt2
            let image_first: Prompt2
        }
        struct Prompt2: Decodable { let text: String; let ids: [Int] }
        let question: String
        let image_token: Int
        let features: [[Float]]
        let prompts: [String: Prompt]
        let real_vocabulary: RealVocabulary?
    }

    private static func path(_ file: String) -> String { TestEnvironment.fixture("tiny_gemma_vision/" + file).path }
    private let model = path("text-chat.gguf")
    private let mmproj = path("mmproj-f32.gguf")
    private let image = path("image0.png")

    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Self.path("chat.json"))))
    }

    private func json(_ r: CommandResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout, file: file, line: line)
    }

    /// Both placements: the prompt ids are the processor's own (image positions = the image
    /// token), and all 64 logits of the last position agree with transformers'. The fixture
    /// records that attending the image causally moves these logits by ≈0.4, far above 2e-2.
    func testLogitsWithAnImageMatchTransformersInBothPlacements() throws {
        let fixture = try fixture()
        for (name, extra) in [("after_text", [String]()), ("image_first", ["--image-first"])] {
            let expected = try XCTUnwrap(fixture.prompts[name])
            XCTAssertGreaterThan(expected.causal_image_block_max_change, 0.2)
            let r = try CommandRunner.medgemma(["logits", "--model", model, "--mmproj", mmproj, "--image", image, "--chat",
                                                "--top", "64"] + extra + [fixture.question])
            let out = try json(r)
            let ids = try XCTUnwrap(out["prompt_ids"] as? [Int])
            XCTAssertEqual(ids, expected.ids, name)
            XCTAssertEqual(ids.filter { $0 == fixture.image_token }.count, 36, name)
            let top = try XCTUnwrap(out["top"] as? [[String: Any]])
            XCTAssertEqual(top.count, 64)
            var worst: Float = 0
            for entry in top {
                let id = try XCTUnwrap(entry["id"] as? Int), logit = try XCTUnwrap((entry["logit"] as? NSNumber)?.floatValue)
                worst = max(worst, abs(logit - expected.last_logits[id]))
            }
            XCTAssertLessThan(worst, 2e-2, name)
            let argmax = expected.last_logits.indices.max { expected.last_logits[$0] < expected.last_logits[$1] }!
            XCTAssertEqual(top[0]["id"] as? Int, argmax, name)
            print("logits \(name): max |Δlogit| vs transformers \(worst) over all 64")
        }
    }

    /// With gemma-3-270m's real vocabulary and a 36-token tower (mmproj-270m.gguf), the ids
    /// are those transformers' processor gives with that vocabulary: "\n\n\n" (109) after
    /// "user" when the image comes first ("user\n" + "\n\n"), "\n\n" (108) elsewhere around
    /// the image, 262144 at its positions.
    func testPromptIdsOnTheRealVocabularyShowImageToken262144() throws {
        let model = try TestEnvironment.defaultModel()
        let real = try XCTUnwrap(try fixture().real_vocabulary)
        for (expected, extra, before) in [(real.after_text, [String](), 108), (real.image_first, ["--image-first"], 109)] {
            let r = try CommandRunner.medgemma(["logits", "--model", model, "--mmproj", Self.path("mmproj-270m.gguf"),
                                                "--image", image, "--chat", "--top", "1"] + extra + ["what is in this image?"])
            let ids = try XCTUnwrap(try json(r)["prompt_ids"] as? [Int])
            XCTAssertEqual(ids, expected.ids, extra.description)
            XCTAssertEqual(ids.filter { $0 == 262_144 }.count, 36)
            let start = try XCTUnwrap(ids.firstIndex(of: 262_144))
            XCTAssertEqual(Array(ids[start - 2..<start]), [before, 255_999])
            XCTAssertEqual(Array(ids[start + 36...start + 37]), [256_000, 108])
        }
    }

    /// The summary and every value against transformers' projected features of the same
    /// picture (image0.png is expected.json's image 0).
    func testEmbedImageMatchesTransformersFeatures() throws {
        let fixture = try fixture()
        let out = try json(try CommandRunner.medgemma(["embed-image", "--mmproj", mmproj, "--image", image, "--json", "--full"]))
        XCTAssertEqual(out["shape"] as? [Int], [36, 24])
        XCTAssertEqual(out["mmproj"] as? String, "mmproj-f32.gguf")
        XCTAssertEqual(out["image"] as? String, "stored pixels; resized to 48×48 (bilinear, antialiased) and normalised with the mmproj's mean/std")
        let values = try XCTUnwrap(out["values"] as? [NSNumber]).map(\.floatValue)
        let expected = fixture.features.flatMap { $0 }
        XCTAssertEqual(values.count, expected.count)
        let scale = expected.map(abs).max()!
        let relative = zip(values, expected).map { abs($0 - $1) }.max()! / scale
        XCTAssertLessThan(relative, 1e-3)
        print("embed-image: max relative error vs transformers \(relative)")
        let n = Double(expected.count)
        let mean = expected.reduce(0.0) { $0 + Double($1) } / n
        let std = (expected.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
        let l2 = expected.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        for (key, want) in [("mean", mean), ("std", std), ("min", Double(expected.min()!)), ("max", Double(expected.max()!)), ("l2", l2)] {
            let got = try XCTUnwrap((out[key] as? NSNumber)?.doubleValue, key)
            XCTAssertEqual(got, want, accuracy: 1e-3 * max(1, abs(want)), key)
        }
        // Without --json: the same numbers in words.
        let human = try CommandRunner.medgemma(["embed-image", "--mmproj", mmproj, "--image", image])
        XCTAssertEqual(human.status, 0, human.stderr)
        XCTAssertTrue(human.stdout.hasPrefix("image0.png: 36 × 24 embeddings from mmproj-f32.gguf\n"), human.stdout)
        XCTAssertTrue(human.stdout.contains(String(format: "l2 %.4f", l2)), human.stdout)
    }

    /// `--precision` on the F16 file: exact (every product in f32) as close to transformers'
    /// features as the F32 file, fast (bf16 products where the CPU has them) within 2e-2;
    /// anything else is a usage error.
    func testEmbedImagePrecisionOnTheF16File() throws {
        let expected = try fixture().features.flatMap { $0 }
        let scale = expected.map(abs).max()!
        for (precision, bound) in [("exact", Float(1e-3)), ("fast", 2e-2)] {
            let out = try json(try CommandRunner.medgemma(["embed-image", "--mmproj", Self.path("mmproj-f16.gguf"), "--image", image,
                                                           "--json", "--full", "--precision", precision]))
            let values = try XCTUnwrap(out["values"] as? [NSNumber]).map(\.floatValue)
            XCTAssertEqual(values.count, expected.count)
            let relative = zip(values, expected).map { abs($0 - $1) }.max()! / scale
            XCTAssertLessThan(relative, bound, precision)
            print("embed-image --precision \(precision), F16 file: max relative error vs transformers \(relative)")
        }
        let bad = try CommandRunner.medgemma(["embed-image", "--mmproj", mmproj, "--image", image, "--precision", "half"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--precision takes fast or exact"), bad.stderr)
    }

    /// Usage errors exit 2, file problems exit 1; each is one line naming the file.
    func testImageErrorsAreOneLineNamingTheFile() throws {
        let missing = NSTemporaryDirectory() + "no-such-image-\(getpid()).png"
        let narrow = Self.path("mmproj-270m.gguf")
        let logits = ["logits", "--model", model, "--chat"]
        let cases: [([String], Int32, String)] = [
            (logits + ["--mmproj", mmproj, "--image", missing, "hello"], 1, missing),
            (logits + ["--mmproj", narrow, "--image", image, "hello"], 1,
             "mmproj-270m.gguf: metadata \"clip.vision.projection_dim\": the projector outputs 640-wide embeddings but the text model is 24 wide"),
            (["logits", "--model", model, "--mmproj", mmproj, "--image", image, "hello"], 2, "--image needs --chat"),
            (logits + ["--image-first", "hello"], 2, "--image-first needs --image"),
            (["embed-image", "--mmproj", mmproj, "--image", missing], 1, missing),
            (["embed-image", "--model", model, "--mmproj", narrow, "--image", image], 1,
             "mmproj-270m.gguf: metadata \"clip.vision.projection_dim\": the projector outputs 640-wide embeddings but the text model is 24 wide"),
            (["embed-image"], 2, "missing --image FILE"),
            (["embed-image", "--mmproj", mmproj], 2, "--mmproj needs --image"),
            (["embed-image", "--mmproj", mmproj, "--image", image, "--full"], 2, "--full needs --json"),
        ]
        for (args, status, message) in cases {
            let r = try CommandRunner.medgemma(args)
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
        // No mmproj given, none beside the model, none in the environment.
        let dir = NSTemporaryDirectory() + "no-mmproj-logits-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/model.gguf", withDestinationPath: model)
        for args in [["logits", "--model", dir + "/model.gguf", "--chat", "--image", image, "hello"],
                     ["embed-image", "--model", dir + "/model.gguf", "--image", image]] {
            let r = try CommandRunner.medgemma(args, environment: ["MEDGEMMA_MMPROJ": ""])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertEqual(r.stderr, "medgemma \(args[0]): \(image): an image needs the model's vision part: pass --mmproj FILE (the mmproj GGUF published beside the model)\n")
        }
        // One mmproj beside the model is found, as for ask.
        try FileManager.default.createSymbolicLink(atPath: dir + "/mmproj-tiny.gguf", withDestinationPath: mmproj)
        let found = try CommandRunner.medgemma(["logits", "--model", dir + "/model.gguf", "--chat", "--image", image, "--top", "1", "hello"],
                                               environment: ["MEDGEMMA_MMPROJ": ""])
        XCTAssertEqual(found.status, 0, found.stderr)
        XCTAssertEqual(try XCTUnwrap(try json(found)["prompt_ids"] as? [Int]).filter { $0 == 62 }.count, 36)
    }

    func testHelpDescribesTheImageOptions() throws {
        let logits = try CommandRunner.medgemma(["logits", "--help"])
        XCTAssertTrue(logits.stdout.contains("--image-first"), logits.stdout)
        XCTAssertTrue(logits.stdout.contains("An image needs\n--chat: its place is set by the chat template"), logits.stdout)
        let embed = try CommandRunner.medgemma(["embed-image", "--help"])
        XCTAssertTrue(embed.stdout.contains("--full"), embed.stdout)
        let top = try CommandRunner.medgemma(["--help"])
        XCTAssertTrue(top.stdout.contains("  embed-image "), top.stdout)
    }
}
