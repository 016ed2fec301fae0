@testable import TUI
import TestSupport
import Workstation
import XCTest

final class CasePaneTextTests: XCTestCase {
    private func study(_ folder: String) -> Study {
        Study(path: TestEnvironment.samples.appendingPathComponent(folder).path)
    }

    func testTitleFirstThenSummaryThenMarkedImages() throws {
        let cxr = study("cxr-01")
        let rows = CasePaneText.rows(study: cxr, currentImage: 0, width: 34).map { $0.map(\.text).joined() }
        XCTAssertTrue(cxr.title.hasPrefix(rows[0]), rows[0])
        XCTAssertEqual(rows[0].count <= 34, true)
        XCTAssertEqual(rows.filter { $0.contains(cxr.title) }.count, 0, "title longer than a row is wrapped, never repeated")
        XCTAssertTrue(rows.contains { $0.hasPrefix("Patient:") })
        XCTAssertTrue(rows.contains { $0.hasPrefix(CasePaneText.currentMarker + " 1. CR PA") }, rows.joined(separator: "\n"))
        for row in rows { XCTAssertLessThanOrEqual(DisplayWidth.of(row), 34, row) }
    }

    func testNoStudy() {
        let rows = CasePaneText.rows(study: nil, currentImage: 0, width: 40)
        XCTAssertTrue(rows[0][0].text.contains("Press o"))
    }

    func testControlCharactersNeverReachTheScreen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("case-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = Study(path: folder.appendingPathComponent("missing\u{1B}[2J").path)
        let rows = CasePaneText.rows(study: broken, currentImage: 0, width: 40)
        XCTAssertFalse(rows.flatMap { $0 }.contains { $0.text.contains("\u{1B}") })
    }
}
