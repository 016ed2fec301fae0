@testable import TUI
import TestSupport
import Workstation
import XCTest

final class StudyBrowserTests: XCTestCase {
    func testFilterSelectAndRows() throws {
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        var browser = StudyBrowser(library: library)
        XCTAssertEqual(browser.list.results.count, library.studies.count)
        browser.list.query = "fundus"
        XCTAssertEqual(browser.list.results.map(\.folderName), ["fundus-01"])
        XCTAssertEqual(browser.list.selected?.folderName, "fundus-01")
        let row = StudyBrowser.row(try XCTUnwrap(browser.list.selected))
        XCTAssertTrue(row.hasPrefix("OP   Fundus"), row)
        XCTAssertTrue(row.hasSuffix("(1 image)"), row)
        browser.list.query = ""
        browser.list.selectPrevious()
        XCTAssertEqual(browser.list.selectedIndex, library.studies.count - 1)
        browser.list.selectNext()
        XCTAssertEqual(browser.list.selectedIndex, 0)
        browser.list.query = "no such study"
        XCTAssertNil(browser.list.selected)
    }

    func testBrokenStudyRowShowsItsError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lib-\(UUID().uuidString)")
        let broken = root.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "{ not json".write(to: broken.appendingPathComponent("case.json"), atomically: true, encoding: .utf8)
        let library = try StudyLibrary(path: root.path)
        let row = StudyBrowser.row(try XCTUnwrap(library.studies.first))
        XCTAssertTrue(row.hasPrefix("⚠ broken — "), row)
    }
}
