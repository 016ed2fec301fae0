import Foundation
import TestSupport
import XCTest

/// `--lora` as a user types it: what is refused, in one line naming the file.
final class LoRAOptionTests: XCTestCase {
    private let environment = ["MEDGEMMA_CONFIG": "/nonexistent/config", "MEDGEMMA_API_KEY": ""]

    func testAModelFileIsNoAdapter() throws {
        let model = try TestEnvironment.defaultModel()
        let r = try CommandRunner.medgemma(["perplexity", "--model", model, "--lora", model, "--chunks", "2",
                                            TestEnvironment.fixture("perplexity/corpus.txt").path], environment: environment)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("general.type is 'model', not 'adapter'"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    func testAMissingFileAndAServerAreRefused() throws {
        let model = try TestEnvironment.defaultModel()
        let missing = try CommandRunner.medgemma(["generate", "--model", model, "--lora", "/nonexistent/adapter.gguf:0.5", "--prompt", "Hi"],
                                                 environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("/nonexistent/adapter.gguf"), missing.stderr)
        let remote = try CommandRunner.medgemma(["ask", "--backend", "http://127.0.0.1:9/v1", "--lora", model, "Hi"], environment: environment)
        XCTAssertEqual(remote.status, 2)
        XCTAssertTrue(remote.stderr.contains("--lora is applied by the in-process engine"), remote.stderr)
    }

    /// Google's notebook's adapter (text + vision LoRA, replaced embedding and output) on the
    /// tiny vision model through `logits --chat --image`: PeftModel's last logits
    /// (Tools/make_notebook_lora_fixture.py), and at scale 0 the plain model's
    /// (tiny_gemma_vision/chat.json, transformers).
    func testTheNotebookAdapterOnAnImageQuestionMatchesPEFT() throws {
        struct Chat: Decodable { let question: String; let prompts: [String: Prompt]; struct Prompt: Decodable { let last_logits: [Float] } }
        struct Expected: Decodable { let chat_prompt: Prompt; struct Prompt: Decodable { let last_logits: [Float] } }
        let vision = { (file: String) in TestEnvironment.fixture("tiny_gemma_vision/" + file).path }
        let chat = try JSONDecoder().decode(Chat.self, from: Data(contentsOf: URL(fileURLWithPath: vision("chat.json"))))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestEnvironment.fixture("peft/notebook-expected.json")))
        let adapter = TestEnvironment.fixture("peft/notebook").path
        let base = ["logits", "--model", vision("text-chat.gguf"), "--mmproj", vision("mmproj-f32.gguf"), "--image", vision("image0.png"),
                    "--chat", "--top", "64"]
        for (lora, want) in [(adapter, expected.chat_prompt.last_logits), (adapter + ":0", chat.prompts["after_text"]!.last_logits)] {
            let r = try CommandRunner.medgemma(base + ["--lora", lora, chat.question], environment: environment)
            XCTAssertEqual(r.status, 0, r.stderr)
            let out = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            let top = try XCTUnwrap(out["top"] as? [[String: Any]])
            XCTAssertEqual(top.count, 64)
            var worst: Float = 0
            for entry in top {
                let id = try XCTUnwrap(entry["id"] as? Int), logit = try XCTUnwrap((entry["logit"] as? NSNumber)?.floatValue)
                worst = max(worst, abs(logit - want[id]))
            }
            XCTAssertLessThan(worst, 2e-2, lora)
            print("logits --lora \((lora as NSString).lastPathComponent): max |Δlogit| vs PEFT / transformers \(worst)")
        }
        // Without a tower the vision part waits unused; the text part still applies.
        let text = try CommandRunner.medgemma(["logits", "--model", vision("text-chat.gguf"), "--lora", adapter, "--top", "1", "hello"],
                                              environment: environment)
        XCTAssertEqual(text.status, 0, text.stderr)
    }

    /// An adapter for another model (the 48-wide tiny Gemma of vision-all-linear) names the
    /// first tensor that does not fit, in one line.
    func testAnAdapterForAnotherModelNamesTheTensor() throws {
        let model = TestEnvironment.fixture("tiny_gemma_vision/text-chat.gguf").path
        let r = try CommandRunner.medgemma(["logits", "--model", model, "--lora", TestEnvironment.fixture("peft/vision-all-linear").path, "hello"],
                                           environment: environment)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("adapter_model.safetensors: 'blk.0.attn_k' maps 48 → 32 values; the model's attn_k maps 24 → 16"), r.stderr)
    }
}
