import Foundation
@testable import MedImaging
import XCTest
import TestSupport

/// The one image type: built from PNG (`DecodedImage`), loaded by content, and viewed.
final class MedicalImageTests: XCTestCase {
    private func pngPath(_ name: String) -> String { TestEnvironment.fixture("png/\(name)").path }

    /// PNG pixels arrive unchanged (alpha dropped) and render unchanged at native size.
    func testPNGBecomesAMedicalImage() throws {
        for (name, layout) in [("gray8.png", ChannelLayout.gray), ("rgb16.png", .rgb), ("rgba8.png", .rgb), ("grayalpha16.png", .gray)] {
            let decoded = try PNGDecoder.decode(path: pngPath(name))
            let image = try MedicalImage.load(path: pngPath(name))
            XCTAssertEqual(image.metadata.format, .png, name)
            XCTAssertEqual(image.channels, layout, name)
            XCTAssertEqual(image.metadata.bitsStored, decoded.bitDepth, name)
            XCTAssertEqual(image.metadata.photometric, layout == .rgb ? .rgb : .monochrome2, name)
            XCTAssertNil(image.metadata.modality)
            XCTAssertTrue(image.identifiers.isEmpty)
            for y in 0..<image.height {
                for x in 0..<image.width {
                    for c in 0..<layout.count {
                        XCTAssertEqual(image.storedValue(x: x, y: y, channel: c), decoded.sample(x: x, y: y, channel: c), name)
                    }
                }
            }
            // The default view is the identity for 8-bit, a plain rescale for 16-bit.
            let output = image.render(width: image.width, height: image.height)
            for index in 0..<output.pixels.count {
                let pixel = index / layout.count, channel = index % layout.count
                let stored = decoded.pixels[pixel * decoded.channels.count + channel]
                let want = decoded.bitDepth == 8 ? stored : Int((Double(stored) * 255 / 65535).rounded())
                XCTAssertEqual(output.pixels[index], want, "\(name) sample \(index)")
            }
        }
    }

    /// JPEG goes through JPEGDecoder (wiring only: JPEG pixels are tested in JPEGDecoderTests).
    func testJPEGIsWiredToTheJPEGDecoder() throws {
        let path = TestEnvironment.fixture("jpeg/rgb420_17x11.jpg").path
        let decoded = try JPEGDecoder.decode(path: path)
        let image = try MedicalImage.load(path: path)
        XCTAssertEqual(image.metadata.format, .jpeg)
        XCTAssertEqual(image, MedicalImage(decoded: decoded, format: .jpeg))
        XCTAssertThrowsError(try MedicalImage.load(bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 16], source: "cut.jpg")) { error in
            guard case .jpeg? = error as? ImageLoadError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix("cut.jpg: "))
        }
    }

    func testLoaderSniffsContentNotNames() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("medimage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // A DICOM file named .png, and a PNG named .dcm.
        let dicom = directory.appendingPathComponent("really-dicom.png")
        try Data(DICOMFixtureManifest.bytes("implicit_mono1_u8.dcm")).write(to: dicom)
        XCTAssertEqual(try MedicalImage.load(path: dicom.path).metadata.format, .dicom)
        let png = directory.appendingPathComponent("really-png.dcm")
        try Data(contentsOf: URL(fileURLWithPath: pngPath("gray8.png"))).write(to: png)
        XCTAssertEqual(try MedicalImage.load(path: png.path).metadata.format, .png)

        XCTAssertEqual(MedicalImage.sniff([0xFF, 0xD8, 0xFF, 0xE0]), .jpeg)
        XCTAssertNil(MedicalImage.sniff(Array("GIF89a".utf8)))

        let empty = directory.appendingPathComponent("empty.dcm")
        try Data().write(to: empty)
        XCTAssertThrowsError(try MedicalImage.load(path: empty.path)) { error in
            XCTAssertEqual((error as? ImageLoadError)?.description, "\(empty.path): empty file, not an image")
        }
        XCTAssertThrowsError(try MedicalImage.load(bytes: Array("GIF89a......".utf8), source: "x.gif")) { error in
            XCTAssertEqual((error as? ImageLoadError)?.description, "x.gif: not a PNG, JPEG or DICOM file")
        }
        XCTAssertThrowsError(try MedicalImage.load(path: directory.appendingPathComponent("missing.png").path)) { error in
            guard case .unreadable? = error as? ImageLoadError else { return XCTFail("\(error)") }
        }
        let big = directory.appendingPathComponent("big.dcm")
        try Data(count: 4096).write(to: big)
        XCTAssertThrowsError(try MedicalImage.load(path: big.path, maxBytes: 1000)) { error in
            guard case .unreadable? = error as? ImageLoadError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("exceeds the limit"))
        }
        // Decoder errors pass through with their own one-line text.
        XCTAssertThrowsError(try MedicalImage.load(bytes: Array(try DICOMFixtureManifest.bytes("implicit_mono1_u8.dcm").prefix(700)),
                                                   source: "cut.dcm")) { error in
            guard case .dicom? = error as? ImageLoadError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try MedicalImage.load(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], source: "cut.png")) { error in
            guard case .png? = error as? ImageLoadError else { return XCTFail("\(error)") }
        }
    }

    func testVisibleRegion() {
        let whole = ImageView().visibleRegion(imageWidth: 100, imageHeight: 50)
        XCTAssertEqual(whole.x, 0); XCTAssertEqual(whole.y, 0); XCTAssertEqual(whole.width, 100); XCTAssertEqual(whole.height, 50)
        let zoomed = ImageView(zoom: 4, panX: 10, panY: -5).visibleRegion(imageWidth: 100, imageHeight: 50)
        XCTAssertEqual(zoomed.x, 47.5); XCTAssertEqual(zoomed.y, 13.75); XCTAssertEqual(zoomed.width, 25); XCTAssertEqual(zoomed.height, 12.5)
        let bad = ImageView(zoom: .nan, panX: .infinity).visibleRegion(imageWidth: 10, imageHeight: 10)
        XCTAssertEqual(bad.x, 0); XCTAssertEqual(bad.width, 10)
    }

    /// Panned past the edge: outside is black; enlarging repeats pixels; odd sizes never trap.
    func testRenderEdgesAndEnlarging() throws {
        let image = try MedicalImage.load(path: pngPath("gray8.png"))  // 7×5
        let panned = image.render(view: ImageView(panX: 1000), width: 7, height: 5)
        XCTAssertTrue((0..<panned.pixels.count).allSatisfy { panned.pixels[$0] == 0 })
        let enlarged = image.render(width: 14, height: 10)
        for y in 0..<10 {
            for x in 0..<14 {
                XCTAssertEqual(enlarged.sample(x: x, y: y, channel: 0), image.storedValue(x: x / 2, y: y / 2))
            }
        }
        XCTAssertEqual(image.render(width: 0, height: -3).pixels.count, 1)
        XCTAssertEqual(image.render(view: ImageView(frame: 99, zoom: 1e-9), width: 3, height: 3).pixels.count, 9)
    }

    /// `e`: levels 0, 100, 200 used by 2, 1, 1 pixels map to (cdf − cdf_min)/(n − cdf_min) =
    /// 0, 1/2, 1 → 0, 128, 255; off, the full-range window leaves the pixels as stored.
    func testHistogramEqualisation() throws {
        let image = MedicalImage(decoded: DecodedImage(width: 4, height: 1, channels: .gray, pixels: .eight([0, 200, 100, 0])),
                                 format: .png)
        XCTAssertEqual(image.render(view: ImageView(equalize: true), width: 4, height: 1).pixels, .eight([0, 255, 128, 0]))
        XCTAssertEqual(image.render(view: ImageView(), width: 4, height: 1).pixels, .eight([0, 200, 100, 0]))
        // A flat image has nothing to spread: left as it is.
        let flat = MedicalImage(decoded: DecodedImage(width: 2, height: 1, channels: .gray, pixels: .eight([90, 90])), format: .png)
        XCTAssertEqual(flat.render(view: ImageView(equalize: true), width: 2, height: 1).pixels, .eight([90, 90]))
    }

    func testDefaultWindows() throws {
        // DICOM gray without a window and not CT: the frame's modality range.
        let noWindow = DICOMTestBytes.file(dataSet: DICOMTestBytes.imageHeader(rows: 1, columns: 3)
                                           + DICOMTestBytes.pixelData([10, 0, 30, 0, 20, 0]))
        let image = try DICOMDecoder.decode(bytes: noWindow)
        let output = image.render(width: 3, height: 1)
        XCTAssertEqual((0..<3).map { output.pixels[$0] }, [0, 255, 128])
        XCTAssertEqual(image.defaultWindow(), .covering(low: 10, high: 30, explanation: "full range"))
        // A user window and invert change the rendering, not the pixels.
        let view = ImageView(window: VOIWindow(center: 20, width: 1), invert: true)
        let inverted = image.render(view: view, width: 3, height: 1)
        XCTAssertEqual((0..<3).map { inverted.pixels[$0] }, [255, 0, 0])
        XCTAssertEqual(image.storedValue(x: 1, y: 0), 30)
    }

    func testCoveringWindowMapsEndsToBlackAndWhite() {
        let window = VOIWindow.covering(low: -1000, high: 3000)
        XCTAssertEqual(VOIFunction.linear.fraction(of: -1000, center: window.center, width: window.width), 0)
        XCTAssertEqual(VOIFunction.linear.fraction(of: 3000, center: window.center, width: window.width), 1)
        XCTAssertEqual(VOIWindow(center: 0, width: -5).width, 1)
        XCTAssertEqual(VOIWindow(center: 0, width: .nan).width, 1)
    }
}
