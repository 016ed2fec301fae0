import Foundation
import TestSupport
import XCTest

/// `medgemma view` (alias `show`): the CT slice drawn from its DICOM through our window W400/L40 looks
/// like the PNG that the sample collection rendered from the same file with the same
/// window (pydicom + numpy, see Tests/Fixtures/sample-images/SOURCES.md, file #13).
final class ShowCommandTests: XCTestCase {
    private let dicom = TestEnvironment.fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm").path
    private let png = TestEnvironment.fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_abdomen_W400L40.png").path

    func testASCIIOfTheWindowedDICOMMatchesTheReferenceRendering() throws {
        let ours = try CommandRunner.medgemma(["view", "--graphics", "ascii", "--width", "64", "--window", "400/40", dicom])
        let reference = try CommandRunner.medgemma(["show", "--graphics", "ascii", "--width", "64", png])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let a = ours.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let b = reference.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(a.count, 32 + 1, "64 columns of a square image: 64 pixel rows, 2 per line")
        XCTAssertEqual(a.count, b.count)
        var differing = 0, total = 0
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.count, y.count)
            for (p, q) in zip(x, y) { total += 1; if p != q { differing += 1 } }
        }
        // The PNG's 8-bit rounding can move a handful of cells across a ramp step.
        XCTAssertLessThan(Double(differing) / Double(max(total, 1)), 0.03, "\(differing) of \(total) cells differ")
    }

    func testBlocksAndSixelShapes() throws {
        let blocks = try CommandRunner.medgemma(["show", "--graphics", "blocks", "--width", "30", png], environment: ["COLORTERM": "truecolor"])
        XCTAssertEqual(blocks.status, 0, blocks.stderr)
        let lines = blocks.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 15)
        XCTAssertTrue(lines.allSatisfy { $0.filter { $0 == "▀" }.count == 30 && $0.hasSuffix("\u{1B}[0m") })
        let sixel = try CommandRunner.medgemma(["show", "--graphics", "sixel", "--width", "10", png])
        XCTAssertTrue(sixel.stdout.hasPrefix("\u{1B}P9;1;0q\"1;1;80;80"), String(sixel.stdout.prefix(40)))
        XCTAssertTrue(sixel.stdout.hasSuffix("\u{1B}\\\n"))
    }

    func testModelViewAndErrors() throws {
        let view = try CommandRunner.medgemma(["show", "--graphics", "ascii", "--width", "20", "--ct-windows", "--model-view", dicom])
        XCTAssertEqual(view.status, 0, view.stderr)
        XCTAssertEqual(view.stdout.split(separator: "\n").count, 10)
        let bad = try CommandRunner.medgemma(["show", "--graphics", "kitty", png])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("unknown graphics mode 'kitty' (use sixel, blocks, ascii or auto)"), bad.stderr)
        // The JPEG 2000 CT original draws like its uncompressed copy (the same pixels, pydicom says).
        let j2k = TestEnvironment.fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm").path
        let compressed = try CommandRunner.medgemma(["show", "--graphics", "ascii", "--width", "20", j2k])
        let uncompressed = try CommandRunner.medgemma(["show", "--graphics", "ascii", "--width", "20", dicom])
        XCTAssertEqual(compressed.status, 0, compressed.stderr)
        XCTAssertEqual(compressed.stdout, uncompressed.stdout)
        // 12-bit JPEG Extended draws (pydicom's JPEG-lossy.dcm); HTJ2K is still refused by name.
        let jpeg12 = TestEnvironment.fixture("dicom/jpeg12/JPEG-lossy.dcm").path
        let drawn = try CommandRunner.medgemma(["show", "--graphics", "ascii", "--width", "20", jpeg12])
        XCTAssertEqual(drawn.status, 0, drawn.stderr)
        XCTAssertFalse(drawn.stdout.isEmpty)
        let htj2k = TestEnvironment.fixture("dicom/unsupported_htj2k.dcm").path
        let refused = try CommandRunner.medgemma(["show", htj2k])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "medgemma view: \(htj2k): not supported: HTJ2K (1.2.840.10008.1.2.4.201)\n")
        let frame = try CommandRunner.medgemma(["show", "--frame", "3", png])
        XCTAssertEqual(frame.status, 1)
        XCTAssertTrue(frame.stderr.contains("frame 3 does not exist (the file has 1)"), frame.stderr)
    }
}
