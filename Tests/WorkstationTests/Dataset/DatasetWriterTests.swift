import Foundation
@testable import Workstation
import XCTest

/// `DatasetWriter`: the split into two files, independent of the examples' order, and the
/// refusals.
final class DatasetWriterTests: XCTestCase {
    private var fixtures: DatasetFixtures!

    override func setUpWithError() throws { fixtures = try DatasetFixtures() }
    override func tearDown() { fixtures.cleanUp() }

    private func examples() throws -> [DatasetExample] {
        DatasetCollection(studies: try StudyLibrary(path: fixtures.library).studies, store: ReportStore(fallbackRoot: fixtures.fallback)).examples
    }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testTheSplitSendsEachStudyToTheSameSideWhateverTheOrder() throws {
        let all = try examples()
        let out = fixtures.root + "/train.jsonl"
        let written = try DatasetWriter.write(all, to: out, split: DatasetSplit(trainFraction: 0.14), force: false)
        XCTAssertEqual(written, DatasetWriter.Written(trainCount: 1, evaluationPath: fixtures.root + "/train.eval.jsonl", evaluationCount: 1))
        XCTAssertEqual(try lines(out), [all[1].jsonLine()])  // ds-final: 0.1336… < 0.14
        XCTAssertEqual(try lines(fixtures.root + "/train.eval.jsonl"), [all[0].jsonLine()])  // ds-amended: 0.1488…
        let again = fixtures.root + "/again.jsonl"
        _ = try DatasetWriter.write(all.reversed(), to: again, split: DatasetSplit(trainFraction: 0.14), force: false)
        XCTAssertEqual(try lines(again), try lines(out))
        XCTAssertEqual(try lines(fixtures.root + "/again.eval.jsonl"), try lines(fixtures.root + "/train.eval.jsonl"))
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    func testExistingFilesAreRefusedWithoutForce() throws {
        let out = fixtures.root + "/train.jsonl"
        _ = FileManager.default.createFile(atPath: fixtures.root + "/train.eval.jsonl", contents: Data("old\n".utf8))
        XCTAssertThrowsError(try DatasetWriter.write(try examples(), to: out, split: DatasetSplit(trainFraction: 0.5), force: false)) {
            XCTAssertEqual("\($0)", "\(self.fixtures.root)/train.eval.jsonl: already exists (--force replaces it)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written")
        _ = try DatasetWriter.write(try examples(), to: out, split: DatasetSplit(trainFraction: 0.5), force: true)
        XCTAssertEqual(try lines(out).count + lines(fixtures.root + "/train.eval.jsonl").count, 2)
    }

    func testAMissingFolderIsOneLineNamingTheFile() throws {
        let out = fixtures.root + "/no/such/train.jsonl"
        XCTAssertThrowsError(try DatasetWriter.write(try examples(), to: out, split: nil, force: false)) {
            XCTAssertTrue("\($0)".hasPrefix(out + ": cannot save: "), "\($0)")
        }
    }

    func testTheEvaluationFileIsNamedBesideTheTrainingFile() {
        XCTAssertEqual(DatasetWriter.evaluationPath(for: "out/train.jsonl"), "out/train.eval.jsonl")
        XCTAssertEqual(DatasetWriter.evaluationPath(for: "data.txt"), "data.txt.eval.jsonl")
    }
}
