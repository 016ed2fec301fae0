import Foundation
import XCTest

/// What some tests need from the machine beyond the repository, which `make test` sets up
/// (`Tools/fetch-model.sh`, `Tools/install-deps.sh --test`, `Tools/install-test-server.sh`)
/// and then demands through an environment variable, so a set-up that went wrong fails
/// the run instead of skipping its tests. A plain `swift test` without the variable skips
/// them, and `make test` lists every skip at the end (README, "Optional tests").
public enum TestRequirement {
    /// The default gemma-3-270m model file (`MEDGEMMA_REQUIRE_MODEL=1`).
    case model
    /// llama-cpp-python's OpenAI-compatible server in its virtual environment (`MEDGEMMA_REQUIRE_SERVER=1`).
    case server
    /// tmux, and Xvfb + xterm + xwd + xwdtopnm for the sixel screenshots (`MEDGEMMA_REQUIRE_TOOLS=1`).
    case tools

    /// The environment variable that makes a missing one a failure.
    public var variable: String {
        switch self {
        case .model: return "MEDGEMMA_REQUIRE_MODEL"
        case .server: return "MEDGEMMA_REQUIRE_SERVER"
        case .tools: return "MEDGEMMA_REQUIRE_TOOLS"
        }
    }

    /// Whether this run demands it.
    public var isRequired: Bool { ProcessInfo.processInfo.environment[variable] == "1" }

    /// What to throw when it is missing: a failure where required, else a skip (reported at
    /// `file`:`line`, the test's call).
    public func unavailable(_ message: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
        isRequired ? MissingTestInput("\(message) (\(variable)=1)") : XCTSkip(message, file: file, line: line)
    }
}
