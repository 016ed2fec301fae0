import Evaluation
import Foundation
import XCTest

/// Writing, reading back and resuming run files, including after a crash that left half
/// a line, and every kind of bad line as one message naming the file and line.
final class RunFileTests: XCTestCase {
    private var folder = ""
    private let header = RunHeader(task: "mcq.jsonl", taskSHA256: "abc", model: "m.gguf", mode: "sum", chat: true,
                                   seed: 1, shuffleOptions: false)
    private let headerLine = #"{"chat":true,"medgemma_eval":1,"mode":"sum","model":"m.gguf","seed":1,"shuffle_options":false,"task":"mcq.jsonl","task_sha256":"abc"}"#
    private let q1 = ItemResult(id: "q1", prediction: 0, truth: 0, correct: true, seconds: 0.5, optionCount: 4)
    private let q2 = ItemResult(id: "q2", prediction: nil, truth: 1, correct: false, seconds: 1.25, answer: "I am not sure")
    private let q1Line = #"{"correct":true,"id":"q1","options":4,"prediction":0,"seconds":0.5,"truth":0}"#
    private let q2Line = #"{"answer":"I am not sure","correct":false,"id":"q2","seconds":1.25,"truth":1}"#

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "runfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func contents(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func testWriteThenReadBack() throws {
        let path = folder + "/run.jsonl"
        let writer = try RunWriter(path: path, header: header, resuming: false)
        try writer.append(q1)
        try writer.append(q2)
        XCTAssertEqual(try contents(path), headerLine + "\n" + q1Line + "\n" + q2Line + "\n")
        let file = try RunFile.read(path: path)
        XCTAssertEqual(file.header, header)
        XCTAssertEqual(file.results, [q1, q2])
        XCTAssertFalse(file.droppedPartialLine)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testResumeDropsAPartialLastLineAndAppendsAfterTheLastWholeOne() throws {
        let path = folder + "/run.jsonl"
        try (headerLine + "\n" + q1Line + "\n" + #"{"id":"q2","corr"#).write(toFile: path, atomically: false, encoding: .utf8)
        let file = try RunFile.read(path: path)
        XCTAssertEqual(file.results, [q1])
        XCTAssertTrue(file.droppedPartialLine)

        let writer = try RunWriter(path: path, header: header, resuming: true)
        XCTAssertEqual(writer.resumed?.results, [q1])
        try writer.append(q2)
        XCTAssertEqual(try contents(path), headerLine + "\n" + q1Line + "\n" + q2Line + "\n")
        let again = try RunFile.read(path: path)
        XCTAssertEqual(again.results, [q1, q2])
        XCTAssertFalse(again.droppedPartialLine)
    }

    func testAnUnparsableLastLineWithItsNewlineIsDroppedToo() throws {
        let file = try RunFile.parse(Array((headerLine + "\n" + q1Line + "\n" + "\u{0}\u{0}\u{0}\n\n").utf8), path: "r.jsonl")
        XCTAssertEqual(file.results, [q1])
        XCTAssertTrue(file.droppedPartialLine)
    }

    func testACompleteLastLineWithoutNewlineIsKeptAndResumingAddsTheNewline() throws {
        let path = folder + "/run.jsonl"
        try (headerLine + "\n" + q1Line).write(toFile: path, atomically: false, encoding: .utf8)
        let file = try RunFile.read(path: path)
        XCTAssertEqual(file.results, [q1])
        XCTAssertFalse(file.droppedPartialLine)
        try RunWriter(path: path, header: header, resuming: true).append(q2)
        XCTAssertEqual(try contents(path), headerLine + "\n" + q1Line + "\n" + q2Line + "\n")
    }

    func testResumingAFileWithOnlyHalfAHeaderOrNoFileStartsAfresh() throws {
        let path = folder + "/run.jsonl"
        try String(headerLine.prefix(20)).write(toFile: path, atomically: false, encoding: .utf8)
        try RunWriter(path: path, header: header, resuming: true).append(q1)
        XCTAssertEqual(try contents(path), headerLine + "\n" + q1Line + "\n")

        let fresh = folder + "/fresh.jsonl"
        let writer = try RunWriter(path: fresh, header: header, resuming: true)
        XCTAssertNil(writer.resumed)
        XCTAssertEqual(try contents(fresh), headerLine + "\n")
    }

    func testResumingRefusesAnotherRunsFile() throws {
        let path = folder + "/run.jsonl"
        _ = try RunWriter(path: path, header: header, resuming: false)
        var other = header
        other.seed = 2
        XCTAssertThrowsError(try RunWriter(path: path, header: other, resuming: true)) { error in
            XCTAssertEqual("\(error)", path + ": cannot resume: seed differs: 1 in the run file, 2 now")
        }
        XCTAssertEqual(try contents(path), headerLine + "\n", "left as it was")
    }

    func testANewRunDoesNotReplaceAnExistingFileUnlessAsked() throws {
        let path = folder + "/run.jsonl"
        try RunWriter(path: path, header: header, resuming: false).append(q1)
        XCTAssertThrowsError(try RunWriter(path: path, header: header, resuming: false)) { error in
            XCTAssertEqual("\(error)", path + ": already exists (resume it, or choose another file)")
        }
        _ = try RunWriter(path: path, header: header, resuming: false, overwrite: true)
        XCTAssertEqual(try contents(path), headerLine + "\n")
    }

    func testEachBadLineIsOneLineNamingFileAndLine() {
        let rows: [(String, String)] = [
            (headerLine + "\nnot json\n" + q1Line + "\n", "r.jsonl:2: not a JSON object"),
            (headerLine + "\n" + q1Line + "\n" + q1Line + "\n", "r.jsonl:3: id \"q1\" is recorded twice (first on line 2)"),
            (headerLine + "\n" + #"{"correct":true,"seconds":1}"# + "\n" + q1Line + "\n", "r.jsonl:2: not a result: no \"id\""),
            (headerLine + "\n" + #"{"id":"x","correct":"yes","seconds":1}"# + "\n" + q1Line + "\n",
             "r.jsonl:2: not a result: \"correct\" has the wrong type"),
            (q1Line + "\n" + headerLine + "\n" + q2Line + "\n", "r.jsonl:2: a run header that is not the first line"),
            (headerLine.replacingOccurrences(of: #""medgemma_eval":1"#, with: #""medgemma_eval":2"#) + "\n",
             "r.jsonl:1: a version 2 run file; this medgemma reads version 1"),
            (#"{"medgemma_eval":1,"task":"t"}"# + "\n" + q1Line + "\n", "r.jsonl:1: not a run header: no \"task_sha256\""),
        ]
        for (text, message) in rows {
            XCTAssertThrowsError(try RunFile.parse(Array(text.utf8), path: "r.jsonl"), text) { error in
                XCTAssertEqual("\(error)", message, text)
            }
        }
    }

    func testAMissingFileIsNamed() {
        XCTAssertThrowsError(try RunFile.read(path: folder + "/none.jsonl")) { error in
            XCTAssertEqual("\(error)", folder + "/none.jsonl: cannot open: No such file or directory")
        }
    }

    func testAResultsFileWithoutHeaderReadsButCannotBeResumed() throws {
        let path = folder + "/plain.jsonl"
        try (q1Line + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let file = try RunFile.read(path: path)
        XCTAssertNil(file.header)
        XCTAssertEqual(file.results, [q1])
        XCTAssertThrowsError(try RunWriter(path: path, header: header, resuming: true)) { error in
            XCTAssertEqual("\(error)", path + ": cannot resume: the file has no run header line")
        }
    }
}
