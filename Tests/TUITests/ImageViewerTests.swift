@testable import TUI
import TestSupport
import Workstation
import XCTest

final class ImageViewerTests: XCTestCase {
    func testFitKeepsTheAspectRatio() {
        // Square image in 38×22 cells: 38 columns wide, 38 half-block pixels = 19 rows.
        let blocks = ImagePreview.fit(imageWidth: 512, imageHeight: 512, columns: 38, rows: 22, style: .blocks(.palette256))
        XCTAssertEqual(blocks.width, 38)
        XCTAssertEqual(blocks.height, 38)
        let ascii = ImagePreview.fit(imageWidth: 512, imageHeight: 512, columns: 38, rows: 22, style: .ascii)
        XCTAssertEqual(ascii.width, 38)
        XCTAssertEqual(ascii.height, 19)
        // Tall image: limited by rows.
        let tall = ImagePreview.fit(imageWidth: 100, imageHeight: 400, columns: 80, rows: 10, style: .blocks(.trueColor))
        XCTAssertEqual(tall.height, 20)
        XCTAssertEqual(tall.width, 5)
    }

    func testCTStudyCyclesPresetsZoomsAndResets() throws {
        let ct = Study(path: TestEnvironment.samples.appendingPathComponent("ct-01").path)
        var viewer = ImageViewer()
        viewer.open(ct.images)
        XCTAssertNil(viewer.loadError)
        XCTAssertEqual(viewer.presets.count, 4, "the case's W400/L40 is not repeated as soft tissue")
        XCTAssertEqual(viewer.title(), "Image 1/1 · W400 C40 · zoom 1.0×")
        XCTAssertEqual(viewer.perform(.windowPreset), "window lung W1500 C-600")
        _ = viewer.perform(.zoomIn)
        _ = viewer.perform(.invert)
        _ = viewer.perform(.panLeft)
        XCTAssertEqual(viewer.title(), "Image 1/1 · W1500 C-600 · zoom 1.5× · inverted")
        XCTAssertEqual(viewer.title(fitting: 32), "1/1 · W1500 C-600 · 1.5× · inv")
        XCTAssertLessThan(viewer.view.panX, 0)
        XCTAssertEqual(viewer.perform(.resetView), "view reset")
        XCTAssertEqual(viewer.view.zoom, 1)
        XCTAssertFalse(viewer.view.invert)
        XCTAssertEqual(viewer.perform(.nextImage), "this study has one image")
    }

    func testPreviewRendersHalfBlocksAndASCII() throws {
        let cxr = Study(path: TestEnvironment.samples.appendingPathComponent("cxr-01").path)
        var viewer = ImageViewer()
        viewer.open(cxr.images)
        let blocks = try XCTUnwrap(viewer.preview(columns: 38, rows: 22, style: .blocks(.palette256)))
        XCTAssertTrue(blocks.isRaw)
        XCTAssertEqual(blocks.lines.count, 19)
        XCTAssertEqual(blocks.rowOffset, 1)
        XCTAssertTrue(blocks.lines[0].hasSuffix("\u{1B}[0m"))
        let ascii = try XCTUnwrap(viewer.preview(columns: 38, rows: 22, style: .ascii))
        XCTAssertFalse(ascii.isRaw)
        XCTAssertTrue(ascii.lines.joined().contains { $0 != " " })
        XCTAssertFalse(ascii.lines.joined().contains("\u{1B}"))
    }

    func testMissingImageIsAMessageNotACrash() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("img-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let image = CaseImage(file: "gone.png", modality: "CR", view: "PA", description: "d")
        let missing = StudyImage(image: image, path: "x/gone.png", url: root.appendingPathComponent("gone.png"), status: .missing)
        var viewer = ImageViewer()
        viewer.open([missing])
        XCTAssertEqual(viewer.loadError, "x/gone.png: image file not found")
        XCTAssertNil(viewer.preview(columns: 10, rows: 10, style: .ascii))
        XCTAssertEqual(viewer.perform(.zoomIn), "x/gone.png: image file not found")
    }
}
