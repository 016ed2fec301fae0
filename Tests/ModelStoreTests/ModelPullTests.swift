import XCTest
import ModelCatalog
import TestSupport
@testable import ModelStore

/// `ModelPull` against our own hub (Tools/test_hub.py on 127.0.0.1), never the internet.
final class ModelPullTests: XCTestCase {
    var hub: TestHub!
    var folder: String!

    override func setUpWithError() throws {
        hub = try TestHub()
        folder = hub.root.path + "-models"
    }

    override func tearDown() {
        hub.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func pull(token: String? = nil) -> ModelPull {
        var pull = ModelPull(endpoint: HubEndpoint(base: hub.endpoint, token: token), folder: folder)
        pull.retry = RetryPolicy(attempts: 3, baseDelay: 0.01, longestWait: 5)
        return pull
    }

    func testPicksQ4KMAndItsVisionPartFromSeveralQuantizations() throws {
        let repo = "org/med-4b-GGUF"
        try hub.addFile(repo: repo, name: "med-4b-Q8_0.gguf", size: 30_000)
        let model = try hub.addFile(repo: repo, name: "med-4b-Q4_K_M.gguf", size: 20_000)
        try hub.addFile(repo: repo, name: "med-4b-UD-Q4_K_M.gguf", size: 21_000)
        try hub.addFile(repo: repo, name: "med-4b-Q4_K_S.gguf", size: 19_000)
        let vision = try hub.addFile(repo: repo, name: "mmproj-F16.gguf", size: 5_000)
        try hub.addFile(repo: repo, name: "mmproj-F32.gguf", size: 9_000)

        let paths = try pull().run(PullRequest(repo: repo))

        XCTAssertEqual(paths, [folder + "/med-4b-Q4_K_M.gguf", folder + "/med-4b-mmproj-F16.gguf"])
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), model)
        XCTAssertEqual(FileManager.default.contents(atPath: paths[1]), vision)
        XCTAssertEqual(VerificationRecord.read(besides: paths[0])?.sha256, try hub.sha256(repo: repo, name: "med-4b-Q4_K_M.gguf"))
        XCTAssertEqual(VerificationRecord.read(besides: paths[1])?.sha256, try hub.sha256(repo: repo, name: "mmproj-F16.gguf"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["med-4b-Q4_K_M.gguf", "med-4b-Q4_K_M.gguf.verified", "med-4b-mmproj-F16.gguf", "med-4b-mmproj-F16.gguf.verified"])
        let downloads = hub.requests.filter { $0.hasPrefix("GET /\(repo)/resolve/") }
        XCTAssertEqual(downloads.count, 2, "\(hub.requests)")

        // `medgemma models` lists it as ours, verified, with its vision part paired.
        let listed = ModelCatalog.scan(CatalogLocations(medgemma: folder, llamaCpp: folder + "/none", ollama: folder + "/none", huggingFace: folder + "/none"))
        XCTAssertEqual(listed, [LocalModel(name: "med-4b-Q4_K_M", path: paths[0], source: .medgemma, size: 20_000, mmproj: paths[1],
                                           expectedSHA256: try hub.sha256(repo: repo, name: "med-4b-Q4_K_M.gguf"))])

        // A second pull finds both verified and downloads nothing.
        try pull().run(PullRequest(repo: repo))
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /\(repo)/resolve/") }.count, 2)
    }

    func testQuantOptionAndOneNamedFile() throws {
        let repo = "org/r-GGUF"
        try hub.addFile(repo: repo, name: "r-Q4_K_M.gguf", size: 1000)
        let q8 = try hub.addFile(repo: repo, name: "r-Q8_0.gguf", size: 2000)
        let paths = try pull().run(PullRequest(repo: repo, quant: "Q8_0"))
        XCTAssertEqual(paths, [folder + "/r-Q8_0.gguf"])
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), q8)
        XCTAssertEqual(try pull().run(PullRequest(repo: repo, file: "r-Q4_K_M.gguf")), [folder + "/r-Q4_K_M.gguf"])
        XCTAssertThrowsError(try pull().run(PullRequest(repo: repo, quant: "Q2_K"))) { error in
            XCTAssertEqual("\(error)", "org/r-GGUF: no Q2_K file (there are: r-Q4_K_M.gguf, r-Q8_0.gguf)")
        }
    }

    func testDroppedConnectionResumesWithARangeFromThePartialSize() throws {
        let repo = "org/drop"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 300_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["drop": 70_000, "times": 1]])
        let paths = try pull().run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        let cdn = hub.requests.filter { $0.hasPrefix("GET /cdn/\(repo)/") }
        XCTAssertEqual(cdn.count, 2, "\(cdn)")
        XCTAssertTrue(cdn[0].contains(" - "), cdn[0])
        XCTAssertTrue(cdn[1].contains(" bytes=70000- "), cdn[1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: paths[0] + ".incomplete"))
    }

    func testPartialFileFromAnEarlierRunIsContinued() throws {
        let repo = "org/crash"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 100_000)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try data.prefix(12_345).write(to: URL(fileURLWithPath: folder + "/m-Q4_K_M.gguf.incomplete"))
        let paths = try pull().run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /cdn/") }.map { $0.split(separator: " ")[2] }, ["bytes=12345-"])
    }

    func testWrongChecksumKeepsNothingAndSaysSo() throws {
        let repo = "org/bad"
        try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 5_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["badsha": true]])
        XCTAssertThrowsError(try pull().run(PullRequest(repo: repo))) { error in
            XCTAssertTrue("\(error)".hasPrefix("m-Q4_K_M.gguf: sha256 "), "\(error)")
            XCTAssertTrue("\(error)".contains("nothing was kept"), "\(error)")
        }
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [], [])
    }

    func testGatedRepositoryNamesItsTermsPage() throws {
        let repo = "google/gated-GGUF"
        let data = try hub.addFile(repo: repo, name: "g-Q4_K_M.gguf", size: 1_000)
        try hub.setFaults([repo: ["gated": "hf_right"]])
        XCTAssertThrowsError(try pull().run(PullRequest(repo: repo))) { error in
            XCTAssertEqual("\(error)", "\(repo) is gated (401 from \(hub.endpoint)/api/models/\(repo)/tree/main?recursive=true): accept its terms at \(hub.endpoint)/\(repo); no token was sent (set HF_TOKEN or write it to ~/.cache/huggingface/token)")
        }
        XCTAssertThrowsError(try pull(token: "hf_wrong").run(PullRequest(repo: repo, file: "g-Q4_K_M.gguf"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(repo) is gated (403 from "), "\(error)")
            XCTAssertTrue("\(error)".contains("accept its terms at \(hub.endpoint)/\(repo); the token sent has no access"), "\(error)")
        }
        let paths = try pull(token: "hf_right").run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        XCTAssertTrue(hub.requests.contains { $0.hasPrefix("GET /\(repo)/resolve/") && $0.hasSuffix(" Bearer_hf_right") }, "\(hub.requests)")
    }

    func testTokenIsNotSentOnToAnotherHost() throws {
        let repo = "google/gated-cdn"
        let data = try hub.addFile(repo: repo, name: "g-Q4_K_M.gguf", size: 1_000)
        try hub.setFaults([repo: ["gated": "hf_right", "cdn_host": "localhost"]])
        let paths = try pull(token: "hf_right").run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        XCTAssertTrue(hub.requests.contains { $0.hasPrefix("GET /\(repo)/resolve/") && $0.hasSuffix(" Bearer_hf_right") }, "\(hub.requests)")
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /cdn/") }.map { $0.split(separator: " ")[3] }, ["-"])
    }

    func testMissingFileAndRepositoryAreNamed() throws {
        try hub.addFile(repo: "org/here", name: "a-Q4_K_M.gguf", size: 10)
        XCTAssertThrowsError(try pull().run(PullRequest(repo: "org/here", file: "nope.gguf"))) { error in
            XCTAssertEqual("\(error)", "nope.gguf in org/here at main not found (404 from \(hub.endpoint)/org/here/resolve/main/nope.gguf)")
        }
        XCTAssertThrowsError(try pull().run(PullRequest(repo: "org/gone"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("repository org/gone at main not found (404 from "), "\(error)")
        }
    }

    func testRateLimitAndServerErrorsAreRetried() throws {
        let repo = "org/busy"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 2_000)
        try hub.setFaults([repo: ["status": 429, "times": 1], "\(repo)/m-Q4_K_M.gguf": ["status": 500, "times": 2]])
        let paths = try pull().run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /api/") }.count, 2)
        XCTAssertEqual(hub.requests.filter { $0.hasPrefix("GET /\(repo)/resolve/") }.count, 3)
    }

    func testRateLimitWaitsForRetryAfterOrSaysHowLong() throws {
        let repo = "org/limited"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 2_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["status": 429, "times": 1]])
        var impatient = pull()
        impatient.retry.longestWait = 0.5
        XCTAssertThrowsError(try impatient.run(PullRequest(repo: repo))) { error in
            XCTAssertEqual("\(error)", "429 from \(hub.endpoint)/\(repo)/resolve/main/m-Q4_K_M.gguf: rate limited; the hub asks to wait 1 s, try again then")
        }
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["status": 429, "times": 1]])
        let started = Date()
        let paths = try pull().run(PullRequest(repo: repo))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9, "Retry-After: 1 was not waited for")
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
    }

    func testServerErrorThatPersistsNamesTheURL() throws {
        let repo = "org/down"
        try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 2_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["status": 500]])
        XCTAssertThrowsError(try pull().run(PullRequest(repo: repo))) { error in
            XCTAssertTrue("\(error)".hasPrefix("500 from \(hub.endpoint)/\(repo)/resolve/main/m-Q4_K_M.gguf: fault 500"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/m-Q4_K_M.gguf"))
    }

    func testRefusesWhenTheFileIsLargerThanTheFreeSpace() throws {
        let repo = "org/big"
        try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 50_000)
        var small = pull()
        small.freeSpace = { _ in 10_000 }
        XCTAssertThrowsError(try small.run(PullRequest(repo: repo))) { error in
            XCTAssertEqual("\(error)", "\(folder!): not enough free space (50.0 kB needed, 10.0 kB free)")
        }
        XCTAssertFalse(hub.requests.contains { $0.contains("/resolve/") })
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [], [])
    }

    func testSlowTrickleStillArrivesWhole() throws {
        let repo = "org/slow"
        let data = try hub.addFile(repo: repo, name: "m-Q4_K_M.gguf", size: 4_000)
        try hub.setFaults(["\(repo)/m-Q4_K_M.gguf": ["trickle": 1_000]])
        final class Lines: @unchecked Sendable { var text: [String] = [] }
        let lines = Lines()
        var slow = pull()
        slow.progress = { name, have, total in
            DownloadProgress(name: name, total: total, alreadyHave: have, terminal: false) { lines.text.append($0) }
        }
        let paths = try slow.run(PullRequest(repo: repo))
        XCTAssertEqual(FileManager.default.contents(atPath: paths[0]), data)
        XCTAssertTrue(lines.text.last?.hasPrefix("m-Q4_K_M.gguf  4.0 kB / 4.0 kB  100%  ") ?? false, "\(lines.text)")
    }
}
