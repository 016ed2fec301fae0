import XCTest
import Glibc
import TestSupport

/// `medgemma pull` run as a person would, against our own hub on 127.0.0.1.
final class PullCommandTests: XCTestCase {
    var hub: TestHub!
    var folder: String!
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        hub = try TestHub()
        folder = hub.root.path + "-models"
        // HOME away from the user's token; the hub is ours.
        environment = ["HF_ENDPOINT": hub.endpoint, "MEDGEMMA_MODELS": folder, "HOME": hub.root.path + "-home",
                       "HF_TOKEN": "", "HF_HOME": "", "HF_TOKEN_PATH": "", "XDG_CACHE_HOME": ""]
    }

    override func tearDown() {
        hub.stop()
        try? FileManager.default.removeItem(atPath: folder)
        try? FileManager.default.removeItem(atPath: hub.root.path + "-home")
    }

    func testHelpListsTheShortNames() throws {
        let result = try CommandRunner.medgemma(["pull", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("Usage: medgemma pull"), result.stdout)
        for name in ["medgemma-4b-it", "medgemma-27b-text-it", "medgemma-27b-it", "unsloth/medgemma-4b-it-GGUF"] {
            XCTAssertTrue(result.stdout.contains(name), name)
        }
        XCTAssertTrue(try CommandRunner.medgemma(["--help"]).stdout.contains("  pull "))
    }

    func testPullsQ4KMAndTheVisionPartAndPrintsTheirPaths() throws {
        let repo = "org/med-GGUF"
        try hub.addFile(repo: repo, name: "med-Q8_0.gguf", size: 9_000)
        let model = try hub.addFile(repo: repo, name: "med-Q4_K_M.gguf", size: 6_000)
        try hub.addFile(repo: repo, name: "mmproj-F16.gguf", size: 2_000)
        let result = try CommandRunner.medgemma(["pull", repo], environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "\(folder!)/med-Q4_K_M.gguf\n\(folder!)/med-mmproj-F16.gguf\n")
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/med-Q4_K_M.gguf"), model)
        XCTAssertEqual(try String(contentsOfFile: folder + "/med-Q4_K_M.gguf.verified", encoding: .utf8).split(separator: " ").first.map(String.init),
                       try hub.sha256(repo: repo, name: "med-Q4_K_M.gguf"))
        // Not a terminal: plain progress lines, ending with the whole size.
        XCTAssertTrue(result.stderr.contains("med-Q4_K_M.gguf  6.0 kB / 6.0 kB  100%"), result.stderr)
        XCTAssertFalse(result.stderr.contains("\r"))
    }

    func testGatedRepositoryIsOneLineNamingTheTermsPage() throws {
        let repo = "google/medgemma-gated"
        try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 100)
        try hub.setFaults([repo: ["gated": "hf_ok"]])
        let result = try CommandRunner.medgemma(["pull", repo], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("medgemma pull: \(repo) is gated (401 from "), result.stderr)
        XCTAssertTrue(result.stderr.contains("accept its terms at \(hub.endpoint)/\(repo);"), result.stderr)

        var withToken = environment
        withToken["HF_TOKEN"] = "hf_nope"
        let refused = try CommandRunner.medgemma(["pull", repo], environment: withToken)
        XCTAssertTrue(refused.stderr.contains("(403 from ") && refused.stderr.contains("\(hub.endpoint)/\(repo);"), refused.stderr)

        // The token file `huggingface-cli login` writes is used.
        let home = hub.root.path + "-home"
        try FileManager.default.createDirectory(atPath: home + "/.cache/huggingface", withIntermediateDirectories: true)
        try "hf_ok\n".write(toFile: home + "/.cache/huggingface/token", atomically: true, encoding: .utf8)
        XCTAssertEqual(try CommandRunner.medgemma(["pull", repo], environment: environment).status, 0)
    }

    func testMissingFileIsNamed() throws {
        try hub.addFile(repo: "org/r", name: "a-Q4_K_M.gguf", size: 10)
        let result = try CommandRunner.medgemma(["pull", "org/r:absent-Q4_K_M.gguf"], environment: environment)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "medgemma pull: absent-Q4_K_M.gguf in org/r at main not found (404 from \(hub.endpoint)/org/r/resolve/main/absent-Q4_K_M.gguf)\n")
    }

    func testUnreachableHubIsOneLineAtOnce() throws {
        let port = try OpenAIServer.freePort()
        var unreachable = environment
        unreachable["HF_ENDPOINT"] = "http://127.0.0.1:\(port)"
        let started = Date()
        let result = try CommandRunner.medgemma(["pull", "org/r"], environment: unreachable)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("medgemma pull: http://127.0.0.1:\(port)/api/models/org/r/tree/main?recursive=true: "), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testBadNameIsAUsageError() throws {
        let result = try CommandRunner.medgemma(["pull", "not-a-repo"], environment: environment)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("'not-a-repo' is not a model name or a repository"), result.stderr)
    }

    func testCtrlCKeepsThePartialFileAndTheNextRunCompletesIt() throws {
        let repo = "org/slow"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 200_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["trickle": 2_000]])
        let partial = folder + "/m-Q4_K_M.gguf.incomplete", final = folder + "/m-Q4_K_M.gguf"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.executable)
        process.arguments = ["pull", repo]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: partial))?[.size] as? NSNumber)?.intValue ?? 0 < 10_000 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("interrupted; run the same command to continue (kept: \(partial))"), stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: final))
        let kept = try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: partial)[.size] as? NSNumber)?.intValue)
        XCTAssertGreaterThanOrEqual(kept, 10_000)
        XCTAssertLessThan(kept, data.count)

        try hub.setFaults([:])
        let second = try CommandRunner.medgemma(["pull", repo], environment: environment)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(FileManager.default.contents(atPath: final), data)
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /cdn/") }.last?.split(separator: " ")[2], "bytes=\(kept)-")
    }
}
