import Foundation
import MedImaging
import VisionPreprocessing
import XCTest
@testable import Workstation

final class TranscriptStoreTests: XCTestCase {
    private var root = ""

    override func setUp() { root = ReportFixtures.temporaryFolder("transcripts") }
    override func tearDown() { ReportFixtures.cleanUp(root) }

    private func attachment() throws -> ImageAttachment {
        ImageAttachment(source: "cxr.png", preparation: "stored pixels",
                        picture: try RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255]))
    }

    func testConversationComesBackWithTimingsAndImageReferences() throws {
        let store = TranscriptStore(directory: root + "/conversations")
        let studyPath = root + "/cxr-test"
        let image = try attachment()
        let entries = [
            TranscriptEntry(role: .user, text: "Is the heart enlarged?", images: [image]),
            TranscriptEntry(role: .model, text: "Yes, mildly.", timing: "prompt 812 tokens at 400.0 tok/s, …", isComplete: true),
            TranscriptEntry(role: .user, text: "And the lungs?"),
            TranscriptEntry(role: .model, text: "The lu", isComplete: false),
            TranscriptEntry(role: .note, text: "reply cancelled"),
        ]
        try store.save(entries, system: "case context", forStudyAt: studyPath, date: ReportFixtures.date, timeZone: ReportFixtures.utc)
        let file = store.path(forStudyAt: studyPath)
        XCTAssertEqual(file, root + "/conversations/" + StudyKey.key(forStudyAt: studyPath) + ".json")
        XCTAssertEqual(ReportFixtures.mode(file), 0o600)

        let restored = try XCTUnwrap(try TranscriptStore(directory: root + "/conversations").restore(forStudyAt: studyPath))
        var want = entries
        want[0].images = []
        XCTAssertEqual(restored.entries, want)
        XCTAssertEqual(restored.entries[0].images.count, 0, "pixels are not saved")
        XCTAssertEqual(restored.entries[1].timing, "prompt 812 tokens at 400.0 tok/s, …")
        XCTAssertFalse(restored.entries[3].isComplete)
        XCTAssertEqual(restored.imageReferences.count, 5)
        XCTAssertEqual(restored.imageReferences[0], [SavedImageReference(source: "cxr.png", preparation: "stored pixels", key: image.key)])
        XCTAssertEqual(restored.imageReferences[1], [])
        XCTAssertEqual(restored.system, "case context")
        XCTAssertEqual(restored.savedAt, "2026-11-29T11:42:00Z")

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        XCTAssertEqual(json["version"] as? Int, 1)
        XCTAssertEqual((json["entries"] as? [[String: Any]])?[3]["role"] as? String, "model")
    }

    func testNoFileIsNoConversation() throws {
        XCTAssertNil(try TranscriptStore(directory: root).restore(forStudyAt: root + "/nothing"))
    }

    func testHostileFilesAreOneLineErrors() throws {
        let store = TranscriptStore(directory: root + "/conversations")
        let studyPath = root + "/cxr-test"
        let file = store.path(forStudyAt: studyPath)
        try FileManager.default.createDirectory(atPath: root + "/conversations", withIntermediateDirectories: true)
        let absolute = URL(fileURLWithPath: studyPath).standardizedFileURL.resolvingSymlinksInPath().path
        let cases: [(String, String)] = [
            ("not json at all", "saved conversation is not valid JSON of this workstation; ignored"),
            ("{\"version\": 2}", "saved conversation has unsupported version 2 (this build reads 1); ignored"),
            ("{\"version\": 1, \"studyPath\": \"\(absolute)\", \"savedAt\": \"x\", \"entries\": [{\"role\": \"model\"}]}",
             "saved conversation is damaged (missing field 'text' at entries[0]); ignored"),
            ("{\"version\": 1, \"studyPath\": \"\(absolute)\", \"savedAt\": \"x\", \"entries\": [{\"role\": \"system\\nrm -rf\", \"text\": \"x\", \"isComplete\": true, \"images\": []}]}",
             "entry 1: unknown role 'system rm -rf'"),
            ("{\"version\": 1, \"studyPath\": \"\(absolute)\", \"savedAt\": \"x\", \"entries\": 5}",
             "saved conversation is damaged (wrong type at entries); ignored"),
        ]
        for (content, problem) in cases {
            try Data(content.utf8).write(to: URL(fileURLWithPath: file))
            XCTAssertThrowsError(try store.restore(forStudyAt: studyPath), content) { error in
                XCTAssertEqual("\(error)", "\(file): \(problem)")
            }
        }
    }

    func testAnOversizedFileIsNotRead() throws {
        let store = TranscriptStore(directory: root + "/conversations")
        let studyPath = root + "/cxr-test"
        let file = store.path(forStudyAt: studyPath)
        try FileManager.default.createDirectory(atPath: root + "/conversations", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: file))
        try handle.truncate(atOffset: UInt64(TranscriptStore.byteLimit + 1))  // sparse: cheap to make
        try handle.close()
        XCTAssertThrowsError(try store.restore(forStudyAt: studyPath)) { error in
            XCTAssertEqual("\(error)", "\(file): saved conversation is larger than \(TranscriptStore.byteLimit) bytes; ignored")
        }
    }

    func testAFileOfAnotherStudyIsIgnored() throws {
        let store = TranscriptStore(directory: root + "/conversations")
        try store.save([TranscriptEntry(role: .user, text: "hi")], system: nil, forStudyAt: root + "/a")
        // Copied over the key of another study (a hash collision, or a user copying files).
        try FileManager.default.copyItem(atPath: store.path(forStudyAt: root + "/a"), toPath: store.path(forStudyAt: root + "/b"))
        XCTAssertNil(try store.restore(forStudyAt: root + "/b"))
        XCTAssertEqual(try store.restore(forStudyAt: root + "/a")?.entries.map(\.text), ["hi"])
    }
}
