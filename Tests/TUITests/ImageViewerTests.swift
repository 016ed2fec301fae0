import Foundation
@testable import TUI
import MedImaging
import TestSupport
import Workstation
import XCTest

final class ImageViewerTests: XCTestCase {
    func testFitKeepsTheAspectRatio() {
        // Square image in 38×22 cells: 38 columns wide, 38 half-block pixels = 19 rows.
        let blocks = ImagePreview.fit(imageWidth: 512, imageHeight: 512, columns: 38, rows: 22, style: .blocks(.palette256))
        XCTAssertEqual(blocks.width, 38)
        XCTAssertEqual(blocks.height, 38)
        // ASCII: the same pixels; the renderer averages each stacked pair into one character.
        let ascii = ImagePreview.fit(imageWidth: 512, imageHeight: 512, columns: 38, rows: 22, style: .ascii)
        XCTAssertEqual(ascii.width, 38)
        XCTAssertEqual(ascii.height, 38)
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
        // Fine adjustment from the lung preset: width ×0.9 / ÷0.9, centre ± width/20.
        XCTAssertEqual(viewer.perform(.windowNarrower), "window W1350 C-600")
        XCTAssertEqual(viewer.perform(.levelUp), "window W1350 C-532.5")
        XCTAssertEqual(viewer.perform(.windowWider), "window W1500 C-532.5")
        XCTAssertEqual(viewer.perform(.levelDown), "window W1500 C-607.5")
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
        XCTAssertEqual(ascii.lines.count, 19, "a square image is as many text rows as half its columns")
        XCTAssertTrue(ascii.lines.joined().contains { $0 != " " })
        XCTAssertFalse(ascii.lines.joined().contains("\u{1B}"))
    }

    /// `m` shows the encoder's square input: a wide picture is stretched to a square (so
    /// the preview is as tall as it is wide), drawn through the current window; `m` or
    /// `0` return to the reader's view.
    func testModelViewShowsTheSquareModelInput() throws {
        let folder = NSTemporaryDirectory() + "modelview-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let wide = DecodedImage(width: 64, height: 16, channels: .gray, pixels: .eight((0..<1024).map { UInt8($0 % 64 * 4) }))
        try PNGEncoder.write(wide, to: folder + "/wide.png")
        try """
        {"version": 1, "id": "t", "title": "Wide", "synthetic": true, "note": "Synthetic test case.",
         "patient": {"id": "p", "age": 40, "sex": "F"}, "history": "h", "indication": "i", "question": "q",
         "images": [{"file": "wide.png", "modality": "OT", "view": "v", "description": "d"}]}
        """.write(toFile: folder + "/case.json", atomically: true, encoding: .utf8)
        var viewer = ImageViewer()
        viewer.open(Study(path: folder).images)
        XCTAssertNil(viewer.loadError)
        let reader = try XCTUnwrap(viewer.preview(columns: 40, rows: 20, style: .ascii))
        XCTAssertEqual(reader.lines.count, 5, "64×16 in 40 columns: 40×10 pixels, 2 per text row")
        XCTAssertTrue(try XCTUnwrap(viewer.perform(.modelView)).hasPrefix("what the model sees: 896×896"))
        XCTAssertTrue(viewer.title().contains("model input 896²"), viewer.title())
        let model = try XCTUnwrap(viewer.preview(columns: 40, rows: 20, style: .ascii))
        XCTAssertEqual(model.lines.count, 20, "square: 40 columns wide, 40 pixel rows = 20 text rows")
        XCTAssertEqual(model.lines.first?.count, 40)
        _ = viewer.perform(.resetView)
        XCTAssertFalse(viewer.showsModelInput)
        XCTAssertEqual(viewer.preview(columns: 40, rows: 20, style: .ascii), reader)
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

/// The image pane's sixel, decoded back by an independent reader: the picture at the
/// pane's size in pixels (cells × cell size, whole six-pixel bands), every pixel the
/// source's display value within the sixel palette's rounding.
final class ImagePreviewSixelTests: XCTestCase {
    func testPaneSixelDecodesToTheSourceAtThePaneSize() throws {
        let ct = Study(path: TestEnvironment.samples.appendingPathComponent("ct-01").path)
        let image = try MedicalImage.load(path: try XCTUnwrap(ct.images.first).url.path)
        let view = ImageView(window: VOIWindow(center: 40, width: 400, explanation: "soft tissue"))
        let preview = ImagePreview.render(image, view: view, columns: 30, rows: 12,
                                          style: .sixel(cellWidth: 8, cellHeight: 16, colors: 256))
        XCTAssertTrue(preview.isRaw)
        XCTAssertEqual(preview.lines.count, 1)
        let decoded = try SixelDecoder(preview.lines[0])
        // 30×12 cells of 8×16 px = 240×192; a square slice fits 192 high (32 bands of 6).
        XCTAssertEqual(decoded.width, 192)
        XCTAssertEqual(decoded.height, 192)
        XCTAssertEqual(preview.columnOffset, (30 - 24) / 2, "centred: 192 px are 24 columns")
        XCTAssertEqual(preview.rowOffset, 0)
        let expected = image.render(view: view, width: 192, height: 192)
        var worst = 0
        for i in 0..<(192 * 192) {
            let got = try XCTUnwrap(decoded.pixels[i], "pixel \(i) not drawn")
            let want = expected.pixels[i * expected.channels.count]
            worst = max(worst, abs(got.0 - want), abs(got.1 - want), abs(got.2 - want))
        }
        XCTAssertLessThanOrEqual(worst, 2, "sixel colours are percentages: at most 2 levels off")
    }
}
