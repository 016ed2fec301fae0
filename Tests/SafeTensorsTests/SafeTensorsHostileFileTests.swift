import Foundation
import Glibc
import SafeTensors
import TestSupport
import XCTest

/// Files that lie. Each must end in the exact `SafeTensorsError.Problem`, described in one
/// line that names the file — never a crash, a hang, or an allocation sized by the lie.
final class SafeTensorsHostileFileTests: XCTestCase {
    private var folder: TempFolder!
    override func setUp() { folder = TempFolder() }
    override func tearDown() { folder = nil }

    /// One entry `name` with the given dtype, shape and offsets, over `dataBytes` zero bytes.
    private func file(_ entries: String, data dataBytes: Int = 64) -> String {
        folder.write(SafeTensorsBlob(header: "{" + entries + "}", data: [UInt8](repeating: 0, count: dataBytes)))
    }

    @discardableResult
    private func assertProblem(_ path: String, _ expected: SafeTensorsError.Problem,
                               file: StaticString = #filePath, line: UInt = #line) -> SafeTensorsError? {
        do {
            _ = try SafeTensorsFile(path: path)
            XCTFail("no error; expected \(expected)", file: file, line: line)
            return nil
        } catch {
            XCTAssertEqual(error.problem, expected, file: file, line: line)
            let text = error.description
            XCTAssertTrue(text.hasPrefix(path + ": "), text, file: file, line: line)
            XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
            return error
        }
    }

    func testMissingFileDirectoryAndFIFO() throws {
        do { _ = try SafeTensorsFile(path: folder.directory.path + "/none.safetensors"); XCTFail() } catch {
            guard case .cannotOpen = error.problem else { return XCTFail("\(error)") }
        }
        assertProblem(folder.directory.path, .notAFile)
        let fifo = folder.directory.path + "/fifo.safetensors"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        assertProblem(fifo, .notAFile)
    }

    func testTruncatedFiles() {
        assertProblem(folder.write([]), .truncated(fileSize: 0))
        assertProblem(folder.write([1, 2, 3]), .truncated(fileSize: 3))
        // A whole file cut short inside its header.
        let whole = SafeTensorsBlob(f32: [("a", [2], [1, 2])]).bytes()
        assertProblem(folder.write(Array(whole.prefix(20))), .headerPastEnd(length: UInt64(whole.count - 16), fileSize: 20))
        // Cut inside the data: the offsets now run past the data section.
        let path = folder.write(Array(whole.dropLast(2)))
        assertProblem(path, .offsetsOutOfRange(tensor: "a", begin: 0, end: 8, dataSize: 6))
    }

    func testHeaderLengthPastTheEndAndHuge() {
        var blob = SafeTensorsBlob(header: "{}")
        blob.claimedLength = 3
        assertProblem(folder.write(blob), .headerPastEnd(length: 3, fileSize: 10))
        blob.claimedLength = UInt64(SafeTensorsFile.maxHeaderLength) + 1
        let e = assertProblem(folder.write(blob), .headerTooLarge(length: UInt64(SafeTensorsFile.maxHeaderLength) + 1))
        XCTAssertTrue(e?.description.contains("100 MB") ?? false)
        blob.claimedLength = .max
        assertProblem(folder.write(blob), .headerTooLarge(length: .max))
    }

    func testHeaderThatIsNotAJSONObject() {
        assertProblem(folder.write(SafeTensorsBlob(header: "[1, 2]")), .headerNotObject(found: "an array"))
        assertProblem(folder.write(SafeTensorsBlob(header: "\"x\"")), .headerNotObject(found: "a string"))
        assertProblem(folder.write(SafeTensorsBlob(header: "")), .headerNotJSON(reason: "unexpected end of the text at byte 0"))
        assertProblem(folder.write(SafeTensorsBlob(header: "{\"a\": }")), .headerNotJSON(reason: "unexpected character at byte 6"))
        assertProblem(folder.write(SafeTensorsBlob(header: "{} x")), .headerNotJSON(reason: "text after the JSON value at byte 3"))
        // Bytes that are not UTF-8 (a Latin-1 é inside a name).
        let bad = Array("{\"caf".utf8) + [0xE9] + Array("\": 1}".utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(bad.count).littleEndian) { bytes += $0 }
        assertProblem(folder.write(bytes + bad), .headerNotJSON(reason: "not valid UTF-8 at byte 5"))
        // Nesting far beyond any header: refused, not recursed into.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        assertProblem(folder.write(SafeTensorsBlob(header: "{\"a\":" + deep + "}")),
                      .headerNotJSON(reason: "nested more than 64 deep at byte 68"))
        // A tensor named twice.
        let twice = #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}"#
        assertProblem(file(twice), .headerNotJSON(reason: "key 'a' appears twice at byte 54"))
    }

    func testEntriesOfTheWrongForm() {
        assertProblem(file(#""a": 3"#), .badEntry(tensor: "a", reason: "entry is a number, not an object"))
        assertProblem(file(#""a": {"shape": [1], "data_offsets": [0, 4]}"#), .badEntry(tensor: "a", reason: "no dtype"))
        assertProblem(file(#""a": {"dtype": "F32", "data_offsets": [0, 4]}"#), .badEntry(tensor: "a", reason: "no shape"))
        assertProblem(file(#""a": {"dtype": "F32", "shape": [1]}"#), .badEntry(tensor: "a", reason: "no data_offsets"))
        assertProblem(file(#""a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}"#),
                      .badEntry(tensor: "a", reason: "data_offsets is not two whole numbers [begin, end]"))
        assertProblem(file(#""a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}"#),
                      .badEntry(tensor: "a", reason: "shape holds 1.5, not a whole number"))
        assertProblem(file(#""a": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}"#),
                      .badEntry(tensor: "a", reason: "shape is a string, not an array"))
        assertProblem(file(#""__metadata__": {"k": 1}"#), .badMetadata(reason: "'k' is a number, not a string"))
        assertProblem(file(#""__metadata__": []"#), .badMetadata(reason: "is an array, not an object"))
    }

    func testUnknownDType() {
        let e = assertProblem(file(#""w": {"dtype": "Q4_K", "shape": [1], "data_offsets": [0, 4]}"#), .unknownDType(tensor: "w", dtype: "Q4_K"))
        XCTAssertTrue(e?.description.contains("'w'") ?? false)
        assertProblem(file(#""w": {"dtype": "F4", "shape": [2], "data_offsets": [0, 1]}"#), .unknownDType(tensor: "w", dtype: "F4"))
    }

    func testNegativeDimensions() {
        assertProblem(file(#""w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}"#), .negativeDimension(tensor: "w", dimension: -1))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [2, -2], "data_offsets": [0, 16]}"#), .negativeDimension(tensor: "w", dimension: -2))
    }

    func testShapeProductOverflow() {
        // 2^32 × 2^32 elements, and 2^62 elements of 4 bytes: both overflow 64 bits.
        assertProblem(file(#""w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 16]}"#), .shapeOverflow(tensor: "w"))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 16]}"#), .shapeOverflow(tensor: "w"))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [100000000000000000000000], "data_offsets": [0, 16]}"#), .shapeOverflow(tensor: "w"))
        // A zero dimension makes the product 0 (as the reference reader computes it), which
        // must then match the offsets.
        assertProblem(file(#""w": {"dtype": "F32", "shape": [0, 4294967296, 4294967296], "data_offsets": [0, 16]}"#),
                      .sizeMismatch(tensor: "w", shape: [0, 4294967296, 4294967296], dtype: "F32", bytes: 16))
    }

    func testShapeAndSizeMismatch() {
        let e = assertProblem(file(#""w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 16]}"#),
                              .sizeMismatch(tensor: "w", shape: [2, 3], dtype: "F32", bytes: 16))
        XCTAssertEqual(e?.problem.text, "tensor 'w': shape [2, 3] of F32 does not fill its 16 bytes")
        assertProblem(file(#""w": {"dtype": "BF16", "shape": [4], "data_offsets": [0, 16]}"#),
                      .sizeMismatch(tensor: "w", shape: [4], dtype: "BF16", bytes: 16))
    }

    func testOffsetsOutOfRange() {
        assertProblem(file(#""w": {"dtype": "F32", "shape": [4], "data_offsets": [56, 72]}"#),
                      .offsetsOutOfRange(tensor: "w", begin: 56, end: 72, dataSize: 64))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}"#),
                      .offsetsOutOfRange(tensor: "w", begin: 8, end: 4, dataSize: 64))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 0]}"#),
                      .offsetsOutOfRange(tensor: "w", begin: -4, end: 0, dataSize: 64))
        assertProblem(file(#""w": {"dtype": "F32", "shape": [1], "data_offsets": [18446744073709551612, 18446744073709551616]}"#),
                      .offsetsOutOfRange(tensor: "w", begin: .max, end: .max, dataSize: 64))
    }

    func testOverlappingTensors() {
        let e = assertProblem(file(#""a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}"#),
                              .overlap(tensor: "b", other: "a"))
        XCTAssertEqual(e?.problem.text, "tensor 'b' overlaps tensor 'a'")
        // The same bytes under two names.
        assertProblem(file(#""x": {"dtype": "F32", "shape": [4], "data_offsets": [16, 32]}, "y": {"dtype": "F32", "shape": [4], "data_offsets": [16, 32]}"#),
                      .overlap(tensor: "y", other: "x"))
        // Touching is not overlapping; empty tensors overlap nothing.
        XCTAssertNoThrow(try SafeTensorsFile(path: file(#""a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [16, 32]}, "e": {"dtype": "F32", "shape": [0], "data_offsets": [8, 8]}"#)))
    }

    func testNamesFromTheFileAreShownOnOneLine() {
        let e = assertProblem(file(#""bad\nname": {"dtype": "X", "shape": [1], "data_offsets": [0, 4]}"#), .unknownDType(tensor: "bad\nname", dtype: "X"))
        XCTAssertTrue(e?.description.contains(#"bad\nname"#) ?? false, e?.description ?? "")
    }

    /// Every prefix of a valid file, and every single-byte change of its header: an error
    /// or a file, never a crash.
    func testEveryTruncationAndByteFlipIsRefusedOrRead() {
        let whole = SafeTensorsBlob(f32: [("a", [2, 2], [1, 2, 3, 4]), ("b", [3], [5, 6, 7])], metadata: ["k": "v"]).bytes()
        for n in 0..<whole.count { _ = try? SafeTensorsFile(path: folder.write(Array(whole.prefix(n)))) }
        for i in 0..<min(whole.count, 160) {
            for v: UInt8 in [0x00, 0x22, 0x2D, 0x39, 0x5B, 0x7B, 0xFF] {
                var b = whole
                b[i] = v
                if let f = try? SafeTensorsFile(path: folder.write(b)) {
                    for name in f.tensorNames { _ = try? f.tensor(named: name)?.floats() }
                }
            }
        }
    }
}
