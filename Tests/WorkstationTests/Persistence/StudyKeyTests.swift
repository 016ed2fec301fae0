import Foundation
import XCTest
@testable import Workstation

final class StudyKeyTests: XCTestCase {
    func testSameStudyHowEverReachedDifferentStudiesApart() throws {
        let root = ReportFixtures.temporaryFolder("study-key")
        defer { ReportFixtures.cleanUp(root) }
        try FileManager.default.createDirectory(atPath: root + "/a/cxr-01", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/b/cxr-01", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/a/cxr-01")
        let key = StudyKey.key(forStudyAt: root + "/a/cxr-01")
        XCTAssertTrue(key.hasPrefix("cxr-01-"))
        XCTAssertEqual(key.count, "cxr-01-".count + 16)
        XCTAssertEqual(StudyKey.key(forStudyAt: root + "/a/../a/./cxr-01/"), key)
        XCTAssertEqual(StudyKey.key(forStudyAt: root + "/link"), key)
        XCTAssertNotEqual(StudyKey.key(forStudyAt: root + "/b/cxr-01"), key)
    }

    func testTheKeyIsTheSHA256OfTheAbsolutePath() {
        // printf '%s' /nonexistent-root/ct-01 | sha256sum
        XCTAssertEqual(StudyKey.key(forStudyAt: "/nonexistent-root/ct-01"), "ct-01-09b08d8561a01d84")
    }

    func testSafeNames() {
        XCTAssertEqual(StudyKey.safeName("cxr-01"), "cxr-01")
        XCTAssertEqual(StudyKey.safeName("my study/ü"), "my_study__")
        XCTAssertEqual(StudyKey.safeName(".."), "study")
        XCTAssertEqual(StudyKey.safeName(""), "study")
        XCTAssertEqual(StudyKey.safeName(String(repeating: "x", count: 50)).count, 40)
    }
}
