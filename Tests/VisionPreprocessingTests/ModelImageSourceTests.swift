import Support
import Foundation
import MedImaging
import TestSupport
import Workstation
import XCTest
@testable import VisionPreprocessing

/// From the sample CT file to the 896×896 picture the model gets, against pydicom +
/// numpy + Pillow (Tools/make_model_input_fixtures.py).
final class ModelImageSourceTests: XCTestCase {
    private var expected: [String: Any] {
        get throws {
            let data = try Data(contentsOf: TestEnvironment.fixture("model_input/manifest.json"))
            let all = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            return try XCTUnwrap(all["ct"] as? [String: Any])
        }
    }

    func testCTThreeWindowsAsMedGemmaNotebooksPrepareThem() throws {
        let want = try expected
        let image = try MedicalImage.load(path: TestEnvironment.fixture(try XCTUnwrap(want["path"] as? String)).path)
        let rgb = try ModelImageSource.rgb(image, mode: .ctWindows(CTWindowPacker.medGemmaWindows))
        XCTAssertEqual(rgb.width, want["width"] as? Int)
        XCTAssertEqual(SHA256.hex(of: rgb.pixels), want["packed_sha256"] as? String)
        let center = rgb.pixel(x: 256, y: 256)
        XCTAssertEqual([Int(center.red), Int(center.green), Int(center.blue)], want["packed_center_pixel"] as? [Int])
        let input = try XCTUnwrap(ModelImagePreprocessor(width: 896, height: 896).preprocess(rgb).first)
        XCTAssertEqual(SHA256.hex(of: input.modelView().pixels), want["resized896_sha256"] as? String)
    }

    /// Windowed gray becomes three equal channels; three-window packing refuses non-CT.
    func testWindowedGrayAndRefusals() throws {
        let want = try expected
        let ct = try MedicalImage.load(path: TestEnvironment.fixture(try XCTUnwrap(want["path"] as? String)).path)
        let rgb = try ModelImageSource.rgb(ct)
        let gray = ct.render(view: ImageView(window: ct.defaultWindow()), width: ct.width, height: ct.height)
        for (x, y) in [(0, 0), (256, 256), (400, 100)] {
            let p = rgb.pixel(x: x, y: y)
            XCTAssertEqual(p.red, p.green)
            XCTAssertEqual(p.green, p.blue)
            XCTAssertEqual(Int(p.red), gray.sample(x: x, y: y, channel: 0))
        }
        let png = try MedicalImage.load(path: TestEnvironment.fixture("sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png").path)
        XCTAssertThrowsError(try ModelImageSource.rgb(png, mode: .ctWindows(CTWindowPacker.medGemmaWindows))) {
            XCTAssertEqual("\($0)", "three CT windows need a gray CT slice, not an image without a modality")
        }
        let mr = try MedicalImage.load(path: TestEnvironment.fixture("sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm").path)
        XCTAssertThrowsError(try ModelImageSource.rgb(mr, mode: .ctWindows(CTWindowPacker.medGemmaWindows))) {
            XCTAssertEqual("\($0)", "three CT windows need a gray CT slice, not a MR image")
        }
    }
}
