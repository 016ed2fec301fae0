import XCTest
@testable import ModelStore

final class PullRequestTests: XCTestCase {
    func testRepoFileAndShortNames() throws {
        XCTAssertEqual(try PullRequest(parsing: "org/repo-GGUF:sub/f.gguf", revision: nil, quant: nil),
                       PullRequest(repo: "org/repo-GGUF", file: "sub/f.gguf"))
        XCTAssertEqual(try PullRequest(parsing: "medgemma-4b-it", revision: "v1", quant: "Q8_0"),
                       PullRequest(repo: "unsloth/medgemma-4b-it-GGUF", revision: "v1", quant: "Q8_0"))
        for bad in ["repo", "a/b/c", "../x", "o/r:../../etc/passwd", "o/r:", "o r/x"] {
            XCTAssertThrowsError(try PullRequest(parsing: bad, revision: nil, quant: nil), bad)
        }
    }

    func testEveryShortNameIsACommunityGGUFRepository() {
        XCTAssertEqual(Set(KnownModels.all.map(\.name)).count, KnownModels.all.count)
        for entry in KnownModels.all { XCTAssertTrue(entry.repo.hasSuffix("-GGUF"), entry.repo) }
    }
}
