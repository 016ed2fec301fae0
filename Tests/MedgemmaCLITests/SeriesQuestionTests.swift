import MedImaging
import Workstation
import TestSupport
import VisionPreprocessing
import XCTest
@testable import MedgemmaCLI

/// `ask --image DIR --slices N` without a model: which slices of the series fixtures are
/// chosen, their labels in order (positions from the fixture script: ct_axial lies at
/// z = -100 + 2.5 i mm, enhanced's frames at z = -50 + {4, 0, 8, 2, 6} mm), and that each
/// picture is the slice it names.
final class SeriesQuestionTests: XCTestCase {
    private func folder(_ name: String) -> String { TestEnvironment.fixture("dicom/series/\(name)").path }
    private let plain = ImageQuestion.Request(path: "", window: nil, ctWindows: false, crops: 0, saveModelInput: nil)

    func testThreeOfSixAxialSlicesInOrderWithTheirZ() throws {
        let q = try XCTUnwrap(SeriesQuestion.open(path: folder("ct_axial"), wanted: 3))
        XCTAssertEqual(q.indices, [0, 3, 5])
        let pictures = try q.attachments(plain)
        XCTAssertEqual(pictures.map(\.label), ["Slice 1/6 (z = -100.0 mm):", "Slice 4/6 (z = -92.5 mm):", "Slice 6/6 (z = -87.5 mm):"])
        XCTAssertEqual(q.summary, "\(folder("ct_axial")): CT series of 6 slices; showing 3: 1, 4, 6")
        // The fourth slice along z is the one shown second; a CT series without a window
        // goes through the three CT windows, as the notebook sends it.
        let (image, frame) = try q.series.loadSlice(3)
        XCTAssertEqual(pictures[1].picture, try ModelImageSource.rgb(image, mode: .ctWindows(CTWindowPacker.medGemmaWindows), frame: frame))
        XCTAssertEqual(pictures[1].preparation, "CT windows as R, G, B (−1024…1024, −135…215, 0…80 HU)")
        XCTAssertEqual(Set(pictures.map(\.key)).count, 3)
        // A window chosen is kept.
        var windowed = plain
        windowed.window = VOIWindow(center: 40, width: 400, explanation: "chosen")
        XCTAssertEqual(try q.attachments(windowed)[1].picture, try ModelImageSource.rgb(image, mode: .windowed(windowed.window), frame: frame))
    }

    func testTheDefaultTakesEverySliceOfASmallSeries() throws {
        let q = try XCTUnwrap(SeriesQuestion.open(path: folder("ct_axial"), wanted: SliceSampling.notebookDefault))
        XCTAssertEqual(q.indices, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(q.label(forSlice: 1), "Slice 2/6 (z = -97.5 mm):")
    }

    func testAnEnhancedMultiFrameFileIsSortedAlongZ() throws {
        let q = try XCTUnwrap(SeriesQuestion.open(path: folder("enhanced") + "/ct_enhanced.dcm", wanted: 2))
        let ct = ImageQuestion.Request(path: "", window: nil, ctWindows: true, crops: 0, saveModelInput: nil)
        let pictures = try q.attachments(ct)
        XCTAssertEqual(pictures.map(\.label), ["Slice 1/5 (z = -50.0 mm):", "Slice 5/5 (z = -42.0 mm):"])
        // z = -50 is the file's frame 1, z = -42 its frame 2.
        let whole = try MedicalImage.load(path: folder("enhanced") + "/ct_enhanced.dcm")
        XCTAssertEqual(pictures[0].picture, try ModelImageSource.rgb(whole, mode: .ctWindows(CTWindowPacker.medGemmaWindows), frame: 1))
        XCTAssertEqual(pictures[1].picture, try ModelImageSource.rgb(whole, mode: .ctWindows(CTWindowPacker.medGemmaWindows), frame: 2))
    }

    func testWithoutPositionsTheLabelIsThePlaceAlone() throws {
        let q = try XCTUnwrap(SeriesQuestion.open(path: folder("no_position"), wanted: 2))
        XCTAssertEqual(try q.attachments(plain).map(\.label), ["Slice 1/4:", "Slice 4/4:"])
    }

    func testAFileOfOneFrameIsNotASeries() throws {
        XCTAssertNil(try SeriesQuestion.open(path: TestEnvironment.fixture("dicom/explicit_ct_s16.dcm").path, wanted: 3))
    }
}
