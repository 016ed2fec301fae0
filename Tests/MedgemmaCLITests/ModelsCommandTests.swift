import Foundation
import TestSupport
import XCTest

/// `medgemma models` over stores laid out as each tool lays them out, in a temporary
/// folder: ours (with a `.verified` record and an mmproj that fits only one model),
/// llama.cpp's cache, Ollama's manifests and blobs, the Hugging Face hub cache. Hashes
/// come from sha256sum.
final class ModelsCommandTests: XCTestCase {
    private var root = ""
    private var environment: [String: String] {
        ["MEDGEMMA_MODELS": root + "/ours", "LLAMA_CACHE": root + "/llama", "OLLAMA_MODELS": root + "/ollama",
         "HF_HUB_CACHE": root + "/hf", "HOME": root]
    }
    private let tiny = TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path
    private var tinySHA = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "models-\(getpid())-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        for folder in ["ours", "llama", "ollama/blobs", "ollama/manifests/registry.ollama.ai/library/tiny",
                       "hf/models--org--tiny-GGUF/blobs", "hf/models--org--tiny-GGUF/snapshots/abc123"] {
            try fm.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        tinySHA = try Sha256Sum.of(tiny)
        // Ours: the default model with its record, the tiny model without one, and the 270M's vision part.
        let model = try TestEnvironment.defaultModel()
        try fm.linkItem(atPath: model, toPath: root + "/ours/gemma-3-270m-q4_k_m.gguf")
        let modified = Int((try fm.attributesOfItem(atPath: model)[.modificationDate] as! Date).timeIntervalSince1970)
        let size = try fm.attributesOfItem(atPath: model)[.size] as! Int
        try "\(try Sha256Sum.of(model)) \(size) \(modified)\n".write(toFile: root + "/ours/gemma-3-270m-q4_k_m.gguf.verified", atomically: true, encoding: .utf8)
        try fm.copyItem(atPath: tiny, toPath: root + "/ours/tiny-gemma3.gguf")
        try fm.copyItem(atPath: TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path, toPath: root + "/ours/mmproj-270m.gguf")
        // llama.cpp: USER_REPO_FILE.
        try fm.copyItem(atPath: tiny, toPath: root + "/llama/org_tiny-GGUF_tiny-Q8_0.gguf")
        // Ollama: a manifest naming the blob by digest.
        try fm.copyItem(atPath: tiny, toPath: root + "/ollama/blobs/sha256-" + tinySHA)
        let manifest = """
        {"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\(tinySHA)","size":1}]}
        """
        try manifest.write(toFile: root + "/ollama/manifests/registry.ollama.ai/library/tiny/latest", atomically: true, encoding: .utf8)
        // The hub cache: a snapshot link into blobs/ named by the sha256.
        try fm.copyItem(atPath: tiny, toPath: root + "/hf/models--org--tiny-GGUF/blobs/" + tinySHA)
        try fm.createSymbolicLink(atPath: root + "/hf/models--org--tiny-GGUF/snapshots/abc123/tiny.gguf", withDestinationPath: "../../blobs/" + tinySHA)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    private func listed() throws -> [String: [String: Any]] {
        let r = try CommandRunner.medgemma(["models", "--json"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0) })
    }

    func testEveryStoreIsListedWithWhatItsFilesAre() throws {
        let rows = try listed()
        XCTAssertEqual(Set(rows.keys), ["gemma-3-270m-q4_k_m", "tiny-gemma3", "org_tiny-GGUF_tiny-Q8_0", "tiny:latest", "org/tiny-GGUF/tiny"])
        XCTAssertEqual(rows["gemma-3-270m-q4_k_m"]?["source"] as? String, "medgemma")
        XCTAssertEqual(rows["org_tiny-GGUF_tiny-Q8_0"]?["source"] as? String, "llama.cpp")
        XCTAssertEqual(rows["tiny:latest"]?["source"] as? String, "ollama")
        XCTAssertEqual(rows["org/tiny-GGUF/tiny"]?["source"] as? String, "huggingface")
        for row in rows.values { XCTAssertEqual(row["architecture"] as? String, "gemma3", "\(row)") }
        // The vision part fits the 270M model only (the tiny model is narrower).
        XCTAssertEqual(rows["gemma-3-270m-q4_k_m"]?["mmproj"] as? String, root + "/ours/mmproj-270m.gguf")
        XCTAssertTrue(rows["tiny-gemma3"]?["mmproj"] is NSNull)
        XCTAssertTrue((rows["tiny-gemma3"]?["mmprojNote"] as? String)?.contains("a vision part for another model") == true)
        XCTAssertEqual(rows["gemma-3-270m-q4_k_m"]?["quantization"] as? String, "Q4_K_M")
        XCTAssertEqual(rows["gemma-3-270m-q4_k_m"]?["verified"] as? String, "yes")
        XCTAssertEqual(rows["tiny-gemma3"]?["verified"] as? String, "no")
        XCTAssertEqual(rows["tiny:latest"]?["verified"] as? String, "unchecked")
        XCTAssertEqual(rows["tiny:latest"]?["sha256"] as? String, tinySHA)
        XCTAssertEqual(rows["org/tiny-GGUF/tiny"]?["sha256"] as? String, tinySHA)
        // Memory at the default context covers at least the file (and the vision part when paired).
        let memory = try XCTUnwrap(rows["gemma-3-270m-q4_k_m"]?["memoryBytes"] as? Int)
        XCTAssertGreaterThan(memory, 253_113_024)

        let table = try CommandRunner.medgemma(["models"], environment: environment)
        XCTAssertTrue(table.stdout.hasPrefix("NAME "), table.stdout)
        XCTAssertTrue(table.stdout.contains("mmproj-270m.gguf"), table.stdout)
    }

    /// `--model` takes a listed name: Ollama's `tiny:latest` runs from its blob.
    func testModelTakesAListedName() throws {
        let r = try CommandRunner.medgemma(["ask", "--model", "tiny:latest", "--max-tokens", "1", "--temperature", "0", "hi"],
                                           environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        let missing = try CommandRunner.medgemma(["ask", "--model", "nothing:here", "hi"], environment: environment)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("medgemma ask: nothing:here: "), missing.stderr)
    }

    func testVerifyRehashesAndNamesWhatDiffers() throws {
        let ok = try CommandRunner.medgemma(["models", "verify", "tiny:latest"], environment: environment)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "tiny:latest: ok (sha256 \(tinySHA))\n")
        // A damaged blob in the hub cache.
        let blob = root + "/hf/models--org--tiny-GGUF/blobs/" + tinySHA
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: blob))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0x55, 0xAA]))
        try handle.close()
        let damaged = try Sha256Sum.of(blob)
        let bad = try CommandRunner.medgemma(["models", "verify"], environment: environment)
        XCTAssertEqual(bad.status, 1, bad.stdout)
        XCTAssertTrue(bad.stdout.contains("org/tiny-GGUF/tiny: DIFFERS: sha256 \(damaged), expected \(tinySHA)\n"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("tiny-gemma3: no published sha256 is recorded for it"), bad.stdout)
    }

    func testRemoveTouchesOnlyOurFiles() throws {
        let refused = try CommandRunner.medgemma(["models", "rm", "tiny:latest"], environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "medgemma models: tiny:latest belongs to ollama, not to medgemma: remove it with that tool ('ollama rm tiny:latest')\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/ollama/blobs/sha256-" + tinySHA))
        let removed = try CommandRunner.medgemma(["models", "rm", "gemma-3-270m-q4_k_m"], environment: environment)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/ours/gemma-3-270m-q4_k_m.gguf"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/ours/gemma-3-270m-q4_k_m.gguf.verified"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: try TestEnvironment.defaultModel()), "the link went, not the model it linked")
        let missing = try CommandRunner.medgemma(["models", "rm", "nothing"], environment: environment)
        XCTAssertEqual(missing.stderr, "medgemma models: no model named 'nothing' (see 'medgemma models')\n")
    }
}
