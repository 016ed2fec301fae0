@testable import MedImaging
import XCTest

/// Fragments, offset tables and frames of encapsulated pixel data (PS3.5 A.4), on hostile
/// fixture files and on hand-built item sequences.
final class DICOMEncapsulatedPixelDataTests: XCTestCase {
    private typealias B = DICOMTestBytes

    /// Each damaged file gives one line naming the file and its problem.
    func testHostileFixturesAreRefusedWithTheirProblem() throws {
        let hostile = try DICOMCompressedFixtureManifest.load().hostile
        XCTAssertGreaterThanOrEqual(hostile.count, 9)
        for entry in hostile {
            let path = DICOMFixtureManifest.path(entry.file)
            XCTAssertThrowsError(try DICOMDecoder.decode(path: path), entry.file) { error in
                let message = (error as? DICOMError)?.description ?? "\(error)"
                XCTAssertTrue(message.hasPrefix("\(path): "), message)
                XCTAssertTrue(message.contains(entry.error), "\(message) lacks \"\(entry.error)\"")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    // MARK: - Hand-built items

    private func item(_ content: [UInt8]) -> [UInt8] { B.delimiter(0xE000, length: content.count) + content }
    private let end = B.delimiter(0xE0DD)

    private func parse(_ items: [UInt8]) throws -> DICOMEncapsulatedPixelData {
        let bytes = [9, 9] + items
        return try DICOMEncapsulatedPixelData(bytes: bytes, from: 2, end: bytes.count, source: "e.dcm")
    }

    private func problem(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return (error as? DICOMError)?.description ?? "\(error)"
        }
    }

    func testFramesFromTheBasicOffsetTable() throws {
        // Frame 0 in two fragments (two 12-byte items), frame 1 in one.
        let bytes = item(B.u32(0) + B.u32(24)) + item([1, 2, 3, 4]) + item([5, 6, 7, 8]) + item([9, 10]) + end
        let data = try parse(bytes)
        let all = [9, 9] + bytes
        let frames = try data.frameRanges(frames: 2, extended: nil, splitAtEOI: false, bytes: all)
        XCTAssertEqual(frames.map { $0.flatMap { Array(all[$0]) } }, [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10]])
        XCTAssertEqual(data.end, all.count)
    }

    func testOffsetTableErrors() throws {
        let fragments = item([1, 2, 3, 4]) + item([5, 6])
        let notAStart = try parse(item(B.u32(0) + B.u32(4)) + fragments + end)
        XCTAssertEqual(problem { _ = try notAStart.frameRanges(frames: 2, extended: nil, splitAtEOI: false, bytes: [9, 9] + fragments) },
                       "e.dcm: damaged DICOM: Basic Offset Table entry 1 (offset 4) is not the start of a fragment")
        let wrongCount = try parse(item(B.u32(0)) + fragments + end)
        XCTAssertEqual(problem { _ = try wrongCount.frameRanges(frames: 2, extended: nil, splitAtEOI: false, bytes: []) },
                       "e.dcm: damaged DICOM: Basic Offset Table lists 1 frame(s), Number of Frames says 2")
        let noTable = try parse(item([]) + fragments + end)
        let extended = DICOMEncapsulatedPixelData.ExtendedOffsets(offsets: [0, 12], lengths: [4, 3])
        XCTAssertEqual(problem { _ = try noTable.frameRanges(frames: 2, extended: extended, splitAtEOI: false, bytes: []) },
                       "e.dcm: damaged DICOM: Extended Offset Table gives frame 1 3 bytes, its fragment holds 2")
        XCTAssertEqual(problem { _ = try noTable.frameRanges(frames: 3, extended: nil, splitAtEOI: false, bytes: []) },
                       "e.dcm: damaged DICOM: 3 frames but only 2 pixel data fragment(s)")
    }

    func testFramesEndAtEOIWithoutATable() throws {
        let fragments = item([0xFF, 0xD8, 1, 2]) + item([3, 0xFF, 0xD9, 0]) + item([0xFF, 0xD8, 0xFF, 0xD9]) + item([0xFF, 0xD8])
            + item([0xFF, 0xD9])
        let bytes = item([]) + fragments + end
        let data = try parse(bytes)
        let frames = try data.frameRanges(frames: 3, extended: nil, splitAtEOI: true, bytes: [9, 9] + bytes)
        XCTAssertEqual(frames.map(\.count), [2, 1, 2])
        XCTAssertEqual(problem { _ = try data.frameRanges(frames: 2, extended: nil, splitAtEOI: true, bytes: [9, 9] + bytes) },
                       "e.dcm: damaged DICOM: cannot tell which of 5 pixel data fragments make up each of 2 frames (no offset table)")
    }

    func testItemErrors() {
        XCTAssertEqual(problem { _ = try self.parse(item([]) + B.delimiter(0xE000, length: B.undefined) + end) },
                       "e.dcm: damaged DICOM: pixel data fragment at offset 10 has undefined length")
        XCTAssertEqual(problem { _ = try self.parse(item([1, 2, 3])) },
                       "e.dcm: damaged DICOM: Basic Offset Table at offset 2 has length 3, not a multiple of 4")
        XCTAssertEqual(problem { _ = try self.parse(item([]) + item([1, 2])) },
                       "e.dcm: truncated DICOM: encapsulated pixel data ends inside the item header at offset 20 (no sequence delimiter)")
        XCTAssertEqual(problem { _ = try self.parse(item([]) + B.delimiter(0xE000, length: 100) + [1, 2] + end) },
                       "e.dcm: truncated DICOM: pixel data fragment at offset 10 claims 100 bytes but only 10 remain")
    }
}
