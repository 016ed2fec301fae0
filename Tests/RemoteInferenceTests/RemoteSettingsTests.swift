import Foundation
import Gemma
import MedImaging
import Support
import VisionPreprocessing
import Workstation
import XCTest
@testable import RemoteInference

/// The remote backend's pieces that need no server: the config file, the API key's
/// sources and secrecy, the endpoint URL, the request body and the retry schedule.
final class RemoteSettingsTests: XCTestCase {
    private var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "remote-settings-\(getpid())-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func testConfigFileFormat() throws {
        let text = """
        # MedGemma workstation
        backend = http://gpu-box:8000/v1   # the team's vLLM
        remote-model = "google/medgemma-27b-it"
        api-key-file = ~/.config/medgemma/api-key
        timeout = 30
        image-size = 896
        theme = dark
        """
        let config = try BackendConfig.parse(text, path: "cfg")
        XCTAssertEqual(config.backend, "http://gpu-box:8000/v1")
        XCTAssertEqual(config.remoteModel, "google/medgemma-27b-it")
        let home = UserDirectories().home
        XCTAssertEqual(config.apiKeyFile, home + "/.config/medgemma/api-key")
        XCTAssertEqual(config.timeout, 30)
        XCTAssertEqual(config.imageSize, 896)

        XCTAssertThrowsError(try BackendConfig.parse("timeout = soon", path: "cfg")) { error in
            XCTAssertEqual("\(error)", "cfg:1: timeout must be a number of seconds > 0, got 'soon'")
        }
        XCTAssertThrowsError(try BackendConfig.parse("\n\njust words", path: "cfg")) { error in
            XCTAssertEqual("\(error)", "cfg:3: expected 'key = value'")
        }
        XCTAssertThrowsError(try BackendConfig.parse("api-key = sk-123", path: "cfg")) { error in
            XCTAssertTrue("\(error)".contains("does not belong in the config"), "\(error)")
            XCTAssertFalse("\(error)".contains("sk-123"))
        }
        XCTAssertEqual(try BackendConfig.load(path: dir + "/missing"), BackendConfig())
        XCTAssertEqual(BackendConfig.path(environment: ["HOME": "/home/x"]), "/home/x/.config/medgemma/config")
        XCTAssertEqual(BackendConfig.path(environment: ["HOME": "/home/x", "XDG_CONFIG_HOME": "/cfg"]), "/cfg/medgemma/config")
        XCTAssertEqual(BackendConfig.path(environment: ["MEDGEMMA_CONFIG": "/etc/m.conf"]), "/etc/m.conf")
    }

    func testKeyFileMustBePrivate() throws {
        let path = dir + "/key"
        try "sk-secret-123\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)
        XCTAssertThrowsError(try APIKey.load(file: path)) { error in
            XCTAssertEqual("\(error)", "API key file \(path) is open to its group or others (mode 644): refused; make it private with 'chmod 600 \(path)'")
        }
        chmod(path, 0o640)
        XCTAssertThrowsError(try APIKey.load(file: path))
        chmod(path, 0o600)
        let key = try APIKey.load(file: path)
        XCTAssertEqual(key.value, "sk-secret-123")
        XCTAssertThrowsError(try APIKey.load(file: dir + "/none")) { error in
            XCTAssertTrue("\(error)".hasPrefix("API key file \(dir!)/none: "), "\(error)")
        }
        XCTAssertEqual(APIKey.fromEnvironment(["MEDGEMMA_API_KEY": " k-1 "])?.value, "k-1")
        XCTAssertNil(APIKey.fromEnvironment(["MEDGEMMA_API_KEY": ""]))
    }

    /// The key shows nowhere: not in descriptions, not in an endpoint, not in text a server
    /// echoes back.
    func testKeyNeverPrinted() throws {
        let key = APIKey("sk-secret-123")
        let endpoint = try RemoteEndpoint(url: "http://127.0.0.1:8000/v1/", apiKey: key)
        for text in ["\(key)", String(reflecting: key), "\(endpoint)", String(reflecting: endpoint),
                     key.redacting("Invalid API key sk-secret-123 given")] {
            XCTAssertFalse(text.contains("sk-secret"), text)
        }
        XCTAssertEqual(endpoint.description, "http://127.0.0.1:8000/v1")
        XCTAssertEqual(endpoint.chatCompletionsURL.absoluteString, "http://127.0.0.1:8000/v1/chat/completions")
        let request = endpoint.request(endpoint.modelsURL, method: "GET")
        XCTAssertEqual(request.value(forHTTPHeaderField: "Authorization"), "Bearer sk-secret-123")
    }

    func testEndpointValidation() {
        for (url, reason) in [("ftp://x/v1", "the scheme must be http or https"), ("http:///v1", "no host"),
                              ("http://u:sk-pw@host/v1", "credentials do not belong in the URL"), ("localhost:8000", "scheme")] {
            XCTAssertThrowsError(try RemoteEndpoint(url: url)) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(url): \(error)")
                XCTAssertFalse("\(error)".contains("sk-pw"))
            }
        }
        XCTAssertNoThrow(try RemoteEndpoint(url: "https://api.example.org/v1"))
    }

    /// The request body: system message first, settings under the servers' names, each
    /// image after its turn's text as a PNG data URL of exactly the model-size picture.
    func testRequestBody() throws {
        var pixels = [UInt8](repeating: 0, count: 40 * 30 * 3)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i * 7) }
        let picture = try RGBImage(width: 40, height: 30, pixels: pixels)
        let image = ImageAttachment(source: "x.png", preparation: "as stored", picture: picture)
        var settings = GenerationSettings(maxTokens: 77, system: "You are a radiologist.")
        settings.sampling.temperature = 0.7
        settings.sampling.topK = 0
        settings.sampling.seed = 42
        let backend = RemoteBackend(endpoint: try RemoteEndpoint(url: "http://h/v1"), model: "m", imageSize: 64)
        let request = try ChatCompletionRequest(model: "m", messages: [
            BackendMessage(.user, "Describe", images: [image]), BackendMessage(.assistant, "A square."), BackendMessage(.user, "More?"),
        ], settings: settings) { try RemoteImageEncoder.dataURL(of: $0.picture, size: backend.imageSize) }
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: request.json()) as? [String: Any])
        XCTAssertEqual(json["model"] as? String, "m")
        XCTAssertEqual(json["stream"] as? Bool, true)
        XCTAssertEqual(json["max_tokens"] as? Int, 77)
        XCTAssertEqual(json["temperature"] as? Double, 0.7)
        XCTAssertEqual(json["top_p"] as? Double, 0.95)
        XCTAssertEqual(json["top_k"] as? Int, -1)
        XCTAssertEqual(json["seed"] as? Int, 42)
        XCTAssertNil(json["min_p"])
        XCTAssertNil(json["repetition_penalty"])
        let messages = try XCTUnwrap(json["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["system", "user", "assistant", "user"])
        XCTAssertEqual(messages[0]["content"] as? String, "You are a radiologist.")
        let parts = try XCTUnwrap(messages[1]["content"] as? [[String: Any]])
        XCTAssertEqual(parts[0]["type"] as? String, "text")
        XCTAssertEqual(parts[0]["text"] as? String, "Describe")
        XCTAssertEqual(parts[1]["type"] as? String, "image_url")
        let url = try XCTUnwrap((parts[1]["image_url"] as? [String: Any])?["url"] as? String)
        XCTAssertTrue(url.hasPrefix("data:image/png;base64,"))
        let png = try PNGDecoder.decode(bytes: [UInt8](XCTUnwrap(Data(base64Encoded: String(url.dropFirst("data:image/png;base64,".count))))))
        XCTAssertEqual(png.width, 64)
        XCTAssertEqual(png.height, 64)
        XCTAssertEqual(png.channels, .rgb)
        let expected = try PillowBilinearResampler.resize(picture, width: 64, height: 64)
        XCTAssertEqual(png.pixels, .eight(expected.pixels))
        XCTAssertEqual(messages[3]["content"] as? String, "More?")
    }

    func testRetrySchedule() {
        let policy = RetryPolicy(attempts: 4, initialDelay: 0.5, maxDelay: 4, budget: 10)
        XCTAssertEqual(policy.delay(afterAttempt: 1, elapsed: 0), 0.5)
        XCTAssertEqual(policy.delay(afterAttempt: 2, elapsed: 1), 1)
        XCTAssertEqual(policy.delay(afterAttempt: 3, elapsed: 2), 2)
        XCTAssertNil(policy.delay(afterAttempt: 4, elapsed: 3), "four tries in all")
        XCTAssertEqual(policy.delay(afterAttempt: 1, elapsed: 0, retryAfter: 3), 3, "Retry-After honoured")
        XCTAssertNil(policy.delay(afterAttempt: 1, elapsed: 9.8), "past the budget")
        XCTAssertNil(RetryPolicy.none.delay(afterAttempt: 1, elapsed: 0))
        XCTAssertTrue(RemoteError.connectionRefused(server: "s").isRetryable)
        XCTAssertTrue(RemoteError.http(status: 503, message: nil, sentKey: false).isRetryable)
        XCTAssertFalse(RemoteError.http(status: 401, message: nil, sentKey: false).isRetryable)
        XCTAssertFalse(RemoteError.http(status: 500, message: nil, sentKey: false).isRetryable)
    }

    func testServerErrorTexts() {
        XCTAssertEqual(ServerErrorText.extract(Data(#"{"error":{"message":"model not found","code":404}}"#.utf8)), "model not found")
        XCTAssertEqual(ServerErrorText.extract(Data(#"{"detail":"Invalid API key"}"#.utf8)), "Invalid API key")
        XCTAssertEqual(ServerErrorText.extract(Data(#"{"error":"busy"}"#.utf8)), "busy")
        XCTAssertEqual(ServerErrorText.extract(Data("upstream\nconnect error\n".utf8)), "upstream connect error")
        XCTAssertNil(ServerErrorText.extract(Data("<html><body>502</body></html>".utf8)))
        XCTAssertEqual(RemoteError.http(status: 404, message: "Not Found", sentKey: false).description.prefix(39),
                       "not found on the server (404 Not Found)")
    }
}
