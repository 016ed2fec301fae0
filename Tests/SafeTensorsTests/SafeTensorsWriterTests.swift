import Foundation
import SafeTensors
import TestSupport
import XCTest

/// What `SafeTensorsWriter` writes reads back through `SafeTensorsFile` name for name and
/// bit for bit, with safetensors' layout: the header padded with spaces to 8 bytes, names in
/// sorted order, data packed in the same order. (Byte equality with a file Python wrote is
/// checked on PEFT's adapter, Tests/TrainingTests/PEFTFolderWriterTests.swift.)
final class SafeTensorsWriterTests: XCTestCase {
    private var folder: TempFolder!
    override func setUp() { folder = TempFolder() }
    override func tearDown() { folder = nil }

    func testWrittenFileReadsBackExactly() throws {
        let odd: [Float] = [.nan, -0.0, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 1 / 3]
        let bytes = SafeTensorsWriter.bytes(f32: [.init(name: "z.weight", shape: [2, 3], values: odd),
                                                  .init(name: "a \"quoted\"\u{1}\\name", shape: [1], values: [2.5]),
                                                  .init(name: "scalar", shape: [], values: [7])],
                                            metadata: ["format": "pt", "note": "a\nb"])
        let length = Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        XCTAssertEqual(length % 8, 0, "the data starts 8-byte aligned")
        XCTAssertEqual(bytes[8 + length - 1], UInt8(ascii: " "), "padded with spaces")
        let file = try SafeTensorsFile(path: folder.write(bytes))
        XCTAssertEqual(file.tensorNames, ["a \"quoted\"\u{1}\\name", "scalar", "z.weight"])
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "a\nb"])
        let z = try XCTUnwrap(file.tensor(named: "z.weight"))
        XCTAssertEqual(z.shape, [2, 3])
        XCTAssertEqual(try z.floats().map(\.bitPattern), odd.map(\.bitPattern))
        XCTAssertEqual(try file.tensor(named: "scalar")?.floats(), [7])
        XCTAssertEqual(file.tensor(named: "a \"quoted\"\u{1}\\name")?.fileRange, file.dataOffset..<(file.dataOffset + 4))
        XCTAssertEqual(file.fileSize, bytes.count)
    }
}
