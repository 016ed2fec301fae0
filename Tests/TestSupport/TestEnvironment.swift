import Foundation
import Support
import XCTest

/// Where tests find their committed fixtures and the real default model.
public enum TestEnvironment {
    /// `Tests/Fixtures`, found from this source file's location (no bundle resources needed).
    public static let fixtures: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A committed fixture; real sample images are under `sample-images/` (sources and
    /// licenses in its SOURCES.md).
    public static func fixture(_ relativePath: String) -> URL {
        fixtures.appendingPathComponent(relativePath)
    }

    /// The shipped sample studies, `samples/` at the repository root.
    public static let samples: URL = fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples")

    /// The real gemma-3-270m Q4_K_M file, as `make test` fetches it.
    /// When it is missing the test is skipped, unless `MEDGEMMA_REQUIRE_MODEL=1`
    /// (set by `make test`), where a missing model is a failure (`TestRequirement.model`).
    public static func defaultModel(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let path: String
        if let p = env["MEDGEMMA_MODEL"], !p.isEmpty {
            path = p
        } else {
            let dir = env["MEDGEMMA_MODELS"].flatMap { $0.isEmpty ? nil : $0 }
                ?? (UserDirectories(environment: env).cacheHome + "/medgemma/models")
            path = dir + "/gemma-3-270m-q4_k_m.gguf"
        }
        if FileManager.default.fileExists(atPath: path) { return path }
        throw TestRequirement.model.unavailable("default model not found at \(path); run 'make model'", file: file, line: line)
    }

    /// The built `medgemma` executable, which `swift build --build-tests` and `swift test`
    /// build with the tests; missing, it fails the test.
    public static func builtExecutable() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw MissingTestInput("no medgemma executable at \(executable): build the package's products into the same folder first")
        }
        return executable
    }

    /// The built `medgemma` executable next to the test bundle (same build folder).
    public static var executable: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments.first { $0.hasSuffix(".xctest") } ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("medgemma").path
    }
}
