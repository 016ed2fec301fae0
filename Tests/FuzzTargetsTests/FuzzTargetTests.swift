import Foundation
import FuzzTargets
import TestSupport
import XCTest

/// Every fuzz target over its seed corpus (the fixtures `make fuzz` starts from) and over
/// the inputs fuzzing found (Tests/Fixtures/fuzz/found/TARGET/, each a regression test):
/// none may crash — a clean error is a pass. Truncations of each seed too, the commonest
/// damage a file meets.
final class FuzzTargetTests: XCTestCase {
    /// The repository root, which seed folders are relative to (`make fuzz` runs there).
    private static let root = TestEnvironment.fixtures.deletingLastPathComponent().deletingLastPathComponent()

    /// The files of a folder below the repository root (not its subfolders).
    private func files(_ folder: String) -> [URL] {
        let url = Self.root.appendingPathComponent(folder)
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
            for url in seeds + files("Tests/Fixtures/fuzz/found/" + target.rawValue) {
                let data = try Data(contentsOf: url)
                guard data.count <= 1 << 20 else { continue }
                data.withUnsafeBytes { target.run($0) }
                for cut in [0, 1, 7, data.count / 2, max(0, data.count - 1)] where cut < data.count {
                    data.prefix(cut).withUnsafeBytes { target.run($0) }
                }
            }
        }
    }

    /// Every seed folder is inside the repository and holds files, so the Makefile, which
    /// takes the folders from `medgemma-fuzz --seeds`, never starts a target from nothing.
    func testSeedFoldersAreInTheRepository() {
        for target in FuzzTarget.allCases {
            for folder in target.seedFolders {
                XCTAssertFalse(folder.hasPrefix("/") || folder.contains(".."), "\(target): \(folder)")
                XCTAssertFalse(files(folder).isEmpty, "\(target): \(folder) has no files")
            }
        }
    }

    /// Runs the replayer (`medgemma-fuzz`, built beside `medgemma`); its status and output.
    private func replayer(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (TestEnvironment.executable as NSString).deletingLastPathComponent + "/medgemma-fuzz")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// The replayer that reproduces a crash: `medgemma-fuzz TARGET FILE...`.
    func testReplayerRunsEachFile() throws {
        let seed = TestEnvironment.fixture("fuzz/sse/openai-stream.txt").path
        let result = try replayer(["sse", seed])
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.output, "\(seed): ok\n")
    }

    /// What the Makefile asks the fuzzer: the targets, and one target's seed folders.
    func testReplayerListsTargetsAndSeeds() throws {
        let targets = try replayer(["--targets"])
        XCTAssertEqual(targets.status, 0)
        XCTAssertEqual(targets.output, FuzzTarget.allCases.map(\.rawValue).joined(separator: " ") + "\n")
        let seeds = try replayer(["--seeds", "image"])
        XCTAssertEqual(seeds.status, 0)
        XCTAssertEqual(seeds.output, "Tests/Fixtures/png Tests/Fixtures/jpeg Tests/Fixtures/dicom Tests/Fixtures/dicom/codecs\n")
    }
}
