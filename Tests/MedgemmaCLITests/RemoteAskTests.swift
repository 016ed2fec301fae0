import Foundation
import MedImaging
import TestSupport
import VisionPreprocessing
import XCTest

/// `medgemma ask --backend URL` and `medgemma backends check` as a user runs them: against
/// the real test server for the happy path, against a stub for images, errors and keys.
final class RemoteAskTests: XCTestCase {
    private var dir: String!
    /// No user config, no key from the developer's shell.
    private var environment: [String: String] { ["MEDGEMMA_CONFIG": dir + "/no-config", "MEDGEMMA_API_KEY": ""] }

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "remote-ask-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testAskAndCheckThroughRealServer() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let r = try CommandRunner.medgemma(["ask", "--backend", server.baseURL, "--temperature", "0", "--max-tokens", "6",
                                            "What is the capital of France?"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        // Greedy on the same file: the server's answer starts as the in-process engine's.
        let local = try CommandRunner.medgemma(["ask", "--model", model, "--temperature", "0", "--max-tokens", "6",
                                                "What is the capital of France?"], environment: environment)
        XCTAssertEqual(local.status, 0, local.stderr)
        func firstWords(_ text: String) -> [Substring] { Array(text.split(whereSeparator: \.isWhitespace).prefix(3)) }
        XCTAssertEqual(firstWords(r.stdout), firstWords(local.stdout), "server: \(r.stdout)\nin-process: \(local.stdout)")
        XCTAssertEqual(firstWords(r.stdout).count, 3, r.stdout)
        XCTAssertTrue(r.stderr.contains("6 tokens at"), r.stderr)
        XCTAssertTrue(r.stderr.contains("(token limit)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not for clinical use"), r.stderr)

        let check = try CommandRunner.medgemma(["backends", "check", server.baseURL], environment: environment)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("models  1 listed in"), check.stdout)
        XCTAssertTrue(check.stdout.contains(model), check.stdout)
        XCTAssertTrue(check.stdout.contains("first token after"), check.stdout)
        XCTAssertTrue(check.stdout.contains("ok      \(server.baseURL) answers"), check.stdout)
    }

    /// `medgemma report` through the server: the draft is saved as Markdown + FHIR, stamped
    /// with the backend and the model as served (no local file to hash).
    func testReportThroughRealServer() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model)
        defer { server.stop() }
        let out = dir + "/reports"
        let study = TestEnvironment.samples.appendingPathComponent("cxr-01").path
        let r = try CommandRunner.medgemma(["report", "--backend", server.baseURL, "--temperature", "0", "--max-tokens", "8",
                                            "--out", out, "--json", study], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("study 1 of 1 · cxr-01 ·"), r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        let fhirName = try XCTUnwrap(files.first { $0.hasSuffix(".fhir.json") })
        let fhir = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/" + fhirName))) as? [String: Any])
        XCTAssertEqual(fhir["resourceType"] as? String, "DiagnosticReport")
        XCTAssertEqual(fhir["status"] as? String, "preliminary")
        let markdown = try String(contentsOfFile: out + "/" + (try XCTUnwrap(files.first { $0.hasSuffix(".md") })), encoding: .utf8)
        XCTAssertTrue(markdown.contains(server.baseURL), "the stamp names the backend:\n\(markdown)")
        XCTAssertTrue(markdown.contains("not for clinical use"), markdown)
    }

    /// The picture a server receives is what the model sees: the windowed image stretched to
    /// 896² with Pillow's bilinear, lossless; `--save-model-input` saves the same pixels.
    func testImageGoesAsModelSizePNG() throws {
        let stub = try StubHTTPServer(always: .events([StubHTTPServer.Response.chunk("Lungs.", finish: "stop")]))
        let png = TestEnvironment.fixture("sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png").path
        let saved = dir + "/seen.png"
        let r = try CommandRunner.medgemma(["ask", "--backend", stub.baseURL, "--remote-model", "medgemma", "--image", png,
                                            "--save-model-input", saved, "What is shown?"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Lungs.\n")

        let picture = try ModelImageSource.rgb(try MedicalImage.load(path: png), mode: .windowed(nil))
        let expected = try PillowBilinearResampler.resize(picture, width: 896, height: 896)
        let seen = try PNGDecoder.decode(path: saved)
        XCTAssertEqual(seen.width, 896)
        XCTAssertEqual(seen.pixels, .eight(expected.pixels))

        let request = try XCTUnwrap(stub.requests.first)
        let body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(request[request.range(of: "\r\n\r\n")!.upperBound...].utf8)) as? [String: Any])
        let content = try XCTUnwrap((body["messages"] as? [[String: Any]])?.last?["content"] as? [[String: Any]])
        XCTAssertEqual(content[0]["text"] as? String, "What is shown?")
        let url = try XCTUnwrap((content[1]["image_url"] as? [String: Any])?["url"] as? String)
        let sent = try PNGDecoder.decode(bytes: [UInt8](XCTUnwrap(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))))))
        XCTAssertEqual(sent.pixels, .eight(expected.pixels))
    }

    /// A server whose reply carries terminal escape sequences (clear the screen, set the
    /// clipboard through OSC 52, an 8-bit CSI) and a NUL: printed, none of them reaches the
    /// terminal; the words around them do.
    func testEscapeSequencesFromAServerNeverReachTheTerminal() throws {
        let hostile = "Lungs \u{1B}[2Jclear\u{1B}]52;c;ZXZpbA==\u{07} \u{9B}31mred\u{0} end."
        let stub = try StubHTTPServer(always: .events([StubHTTPServer.Response.chunk(hostile, finish: "stop")]))
        let r = try CommandRunner.medgemma(["ask", "--backend", stub.baseURL, "--remote-model", "m", "hi"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        for forbidden: Unicode.Scalar in ["\u{1B}", "\u{07}", "\u{9B}", "\u{0}"] {
            XCTAssertFalse(r.stdout.unicodeScalars.contains(forbidden), "U+\(String(forbidden.value, radix: 16)) in \(r.stdout.debugDescription)")
        }
        XCTAssertTrue(r.stdout.hasPrefix("Lungs "), r.stdout.debugDescription)
        XCTAssertTrue(r.stdout.contains("clear"), r.stdout.debugDescription)
        XCTAssertTrue(r.stdout.hasSuffix(" end.\n"), r.stdout.debugDescription)
    }

    /// A server sending bytes that are not UTF-8 (a lone 0xFF, a cut sequence, an overlong
    /// NUL) inside its JSON: each becomes U+FFFD, the rest of the reply is kept, and a valid
    /// character cut in two between network pieces ("é" = C3 A9) arrives whole.
    func testInvalidUTF8FromAServerBecomesReplacementCharacters() throws {
        func chunk(_ content: [UInt8], finish: Bool = false) -> [UInt8] {
            Array(#"data: {"choices": [{"index": 0, "delta": {"content": ""#.utf8) + content
                + Array(#""}, "finish_reason": \#(finish ? "\"stop\"" : "null")}]}"#.utf8) + [0x0A, 0x0A]
        }
        let first = chunk(Array("Lungs ".utf8) + [0xFF] + Array(" clear, café".utf8))
        let second = chunk([0xE2, 0x82] + Array(" and ".utf8) + [0xC0, 0x80] + Array(" end.".utf8), finish: true)
        let stream = first + second + Array("data: [DONE]\n\n".utf8)
        // The network cuts the stream inside "é" (C3 | A9), and again inside the second event.
        let split = first.firstIndex(of: 0xC3)! + 1, cut = first.count + 20
        let stub = try StubHTTPServer(always: .init(bytePieces: [(0, Array(stream[..<split])), (0.05, Array(stream[split..<cut])),
                                                                  (0.05, Array(stream[cut...]))]))
        let r = try CommandRunner.medgemma(["ask", "--backend", stub.baseURL, "--remote-model", "m", "hi"], environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "Lungs \u{FFFD} clear, caf\u{E9}\u{FFFD} and \u{FFFD}\u{FFFD} end.\n", r.stdout.debugDescription)
    }

    /// The key goes in the header and nowhere on screen, even when the server echoes it.
    func testKeyIsSentButNeverPrinted() throws {
        let key = "sk-test-secret-0042"
        let stub = try StubHTTPServer(always: .json("401 Unauthorized", #"{"error":{"message":"Incorrect API key provided: sk-test-secret-0042"}}"#))
        var env = environment
        env["MEDGEMMA_API_KEY"] = key
        let r = try CommandRunner.medgemma(["ask", "--backend", stub.baseURL, "--remote-model", "m", "hello"], environment: env)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "medgemma ask: the server refused the API key (401 Unauthorized: Incorrect API key provided: <api key hidden>); check MEDGEMMA_API_KEY or the key file\n")
        XCTAssertFalse((r.stdout + r.stderr).contains(key))
        XCTAssertTrue(stub.requests[0].lowercased().contains("authorization: bearer \(key)"))
    }

    func testKeyFileOpenToOthersIsRefused() throws {
        let keyFile = dir + "/api-key"
        try "sk-file-key-77\n".write(toFile: keyFile, atomically: false, encoding: .utf8)
        chmod(keyFile, 0o644)
        let r = try CommandRunner.medgemma(["ask", "--backend", "http://127.0.0.1:9/v1", "--api-key-file", keyFile, "hi"], environment: environment)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "medgemma ask: API key file \(keyFile) is open to its group or others (mode 644): refused; make it private with 'chmod 600 \(keyFile)'\n")
        XCTAssertFalse(r.stderr.contains("sk-file-key"))
    }

    /// The config file picks the server and model; the command line wins over it.
    func testConfigFileChoosesTheServer() throws {
        let stub = try StubHTTPServer(always: .events([StubHTTPServer.Response.chunk("From config.", finish: "stop")]))
        let keyFile = dir + "/key"
        try "sk-cfg-1\n".write(toFile: keyFile, atomically: false, encoding: .utf8)
        chmod(keyFile, 0o600)
        let config = dir + "/config"
        try "# test\nbackend = \(stub.baseURL)\nremote-model = cfg-model\napi-key-file = \(keyFile)\n".write(toFile: config, atomically: false, encoding: .utf8)
        let r = try CommandRunner.medgemma(["ask", "hello"], environment: ["MEDGEMMA_CONFIG": config, "MEDGEMMA_API_KEY": ""])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "From config.\n")
        XCTAssertTrue(stub.requests[0].contains(#""model":"cfg-model""#), stub.requests[0])
        XCTAssertTrue(stub.requests[0].lowercased().contains("authorization: bearer sk-cfg-1"))

        try "backend = \(stub.baseURL)\ntimeout = never\n".write(toFile: config, atomically: false, encoding: .utf8)
        let bad = try CommandRunner.medgemma(["ask", "hello"], environment: ["MEDGEMMA_CONFIG": config])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr, "medgemma ask: \(config):2: timeout must be a number of seconds > 0, got 'never'\n")
    }

    func testConnectionErrorsAndCutOffReplies() throws {
        let port = try OpenAIServer.freePort()
        let refused = try CommandRunner.medgemma(["ask", "--backend", "http://127.0.0.1:\(port)/v1", "--remote-model", "m", "hi"], environment: environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "medgemma ask: cannot connect to http://127.0.0.1:\(port)/v1: connection refused (is the server running and listening on that port?)\n")

        let stub = try StubHTTPServer(always: .events([StubHTTPServer.Response.chunk("Partial"), StubHTTPServer.Response.chunk(" answer")], done: false))
        let cut = try CommandRunner.medgemma(["ask", "--backend", stub.baseURL, "--remote-model", "m", "hi"], environment: environment)
        XCTAssertEqual(cut.status, 1)
        XCTAssertEqual(cut.stdout, "Partial answer\n")
        XCTAssertTrue(cut.stderr.hasPrefix("medgemma ask: the reply was cut off after 2 tokens"), cut.stderr)
        XCTAssertEqual(cut.stderr.filter { $0 == "\n" }.count, 1)
    }

    func testUsageErrors() throws {
        let cases: [([String], String)] = [
            (["--backend", "http://h/v1", "--model", "x.gguf"], "--model names a local model file"),
            (["--backend", "http://h/v1", "--mmproj", "p.gguf", "--image", "x.png"], "--mmproj is the in-process engine's vision part"),
            (["--remote-model", "m"], "--remote-model needs --backend URL"),
            (["--backend", "ftp://h/v1"], "the scheme must be http or https"),
        ]
        for (extra, message) in cases {
            let r = try CommandRunner.medgemma(["ask"] + extra + ["hi"], environment: environment)
            XCTAssertEqual(r.status, 2, "\(extra): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(extra): \(r.stderr)")
        }
        let noURL = try CommandRunner.medgemma(["backends", "check"], environment: environment)
        XCTAssertEqual(noURL.status, 2)
        XCTAssertTrue(noURL.stderr.contains("which server?"), noURL.stderr)
    }
}
