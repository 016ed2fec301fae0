import Evaluation
import XCTest

/// The run header: its line, and the one-line reason `--resume` gives for refusing a run
/// set up differently.
final class RunHeaderTests: XCTestCase {
    private let header = RunHeader(task: "tasks/mcq.jsonl", taskSHA256: "abc", model: "medgemma-4b-it-Q4_K_M.gguf",
                                   mode: "sum", chat: true, seed: 7, shuffleOptions: false)

    func testLine() throws {
        XCTAssertEqual(try header.jsonLine(),
                       #"{"chat":true,"medgemma_eval":1,"mode":"sum","model":"medgemma-4b-it-Q4_K_M.gguf","seed":7,"#
                       + #""shuffle_options":false,"task":"tasks/mcq.jsonl","task_sha256":"abc"}"#)
    }

    func testMismatchNamesTheFirstDifferingField() {
        XCTAssertNil(header.mismatch(with: header))
        var samePathElsewhere = header
        samePathElsewhere.task = "./tasks/mcq.jsonl"
        XCTAssertNil(header.mismatch(with: samePathElsewhere), "the same task file by another path")

        var other = header
        other.model = "medgemma-27b.gguf"
        other.seed = 8
        XCTAssertEqual(header.mismatch(with: other),
                       #"model differs: "medgemma-4b-it-Q4_K_M.gguf" in the run file, "medgemma-27b.gguf" now"#)
        other = header
        other.taskSHA256 = "def"
        XCTAssertEqual(header.mismatch(with: other), #"task_sha256 differs: "abc" in the run file, "def" now"#)
        other.task = "other.jsonl"
        XCTAssertEqual(header.mismatch(with: other), #"task differs: "tasks/mcq.jsonl" in the run file, "other.jsonl" now"#)
        other = header
        other.mode = "byte-norm"
        XCTAssertEqual(header.mismatch(with: other), #"mode differs: "sum" in the run file, "byte-norm" now"#)
        other = header
        other.chat = false
        XCTAssertEqual(header.mismatch(with: other), "chat differs: true in the run file, false now")
        other = header
        other.seed = 8
        XCTAssertEqual(header.mismatch(with: other), "seed differs: 7 in the run file, 8 now")
        other = header
        other.shuffleOptions = true
        XCTAssertEqual(header.mismatch(with: other), "shuffle_options differs: false in the run file, true now")
        other = header
        other.version = 2
        XCTAssertEqual(header.mismatch(with: other), "medgemma_eval differs: 1 in the run file, 2 now")
    }
}
