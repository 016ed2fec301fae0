import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// Every fuzz target over its seed corpus (the fixtures `make fuzz` starts from) and over
/// the inputs fuzzing found (Tests/Fixtures/fuzz/found/TARGET/, each a regression test):
/// none may crash — a clean error is a pass. Truncations of each seed too, the commonest
/// damage a file meets.
final class FuzzTargetTests: XCTestCase {
    private func files(_ folder: String) -> [URL] {
        let url = TestEnvironment.fixture(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().map { url.appendingPathComponent($0) }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    func testSeedsFoundInputsAndTruncationsRunCleanly() throws {
        for target in FuzzTarget.allCases {
            let seeds = target.seedFolders.flatMap(files)
            XCTAssertFalse(seeds.isEmpty, "\(target): no seeds")
            for url in seeds + files("fuzz/found/" + target.rawValue) {
                let data = try Data(contentsOf: url)
                guard data.count <= 1 << 20 else { continue }
                data.withUnsafeBytes { target.run($0) }
                for cut in [0, 1, 7, data.count / 2, max(0, data.count - 1)] where cut < data.count {
                    data.prefix(cut).withUnsafeBytes { target.run($0) }
                }
            }
        }
    }

    /// The replayer that reproduces a crash: `medgemma-fuzz TARGET FILE...`.
    func testReplayerRunsEachFile() throws {
        let replayer = (TestEnvironment.executable as NSString).deletingLastPathComponent + "/medgemma-fuzz"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: replayer)
        let seed = TestEnvironment.fixture("fuzz/sse/openai-stream.txt").path
        process.arguments = ["sse", seed]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "\(seed): ok\n")
    }
}
