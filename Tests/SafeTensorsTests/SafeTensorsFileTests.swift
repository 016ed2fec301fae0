import Foundation
import SafeTensors
import TestSupport
import XCTest

/// Files written here byte by byte, and one written by the `safetensors` Python package
/// (Tools/make_safetensors_fixtures.py), read back value for value.
final class SafeTensorsFileTests: XCTestCase {
    private var folder: TempFolder!
    override func setUp() { folder = TempFolder() }
    override func tearDown() { folder = nil }

    func testAHandMadeFileReadsBack() throws {
        let blob = SafeTensorsBlob(f32: [("a", [2, 3], [1, 2, 3, 4, 5, 6]), ("b.c", [1], [-0.5]), ("scalar", [], [7])],
                                   metadata: ["format": "pt"])
        let file = try SafeTensorsFile(path: folder.write(blob))
        XCTAssertEqual(file.tensorNames, ["a", "b.c", "scalar"])
        XCTAssertEqual(file.metadata, ["format": "pt"])
        let a = try XCTUnwrap(file.tensor(named: "a"))
        XCTAssertEqual(a.dtype, .f32)
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(try a.floats(), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try file.tensor(named: "b.c")?.floats(), [-0.5])
        XCTAssertEqual(try file.tensor(named: "scalar")?.floats(), [7])
        XCTAssertNil(file.tensor(named: "missing"))
        XCTAssertEqual(file.dataOffset, 8 + blob.header.utf8.count)
    }

    func testF16AndBF16WidenExactly() throws {
        // F16: 1, -2, 65504, the smallest subnormal, -0, inf; BF16: 1, -3.5.
        let f16: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00]
        let bf16: [UInt16] = [0x3F80, 0xC060]
        var data: [UInt8] = []
        for h in f16 + bf16 { withUnsafeBytes(of: h.littleEndian) { data += $0 } }
        let header = #"{"h":{"dtype":"F16","shape":[6],"data_offsets":[0,12]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]}}"#
        let file = try SafeTensorsFile(path: folder.write(SafeTensorsBlob(header: header, data: data)))
        let h = try XCTUnwrap(file.tensor(named: "h")).floats()
        XCTAssertEqual(Array(h[0..<4]), [1, -2, 65504, 0x1p-24])
        XCTAssertEqual(h[4].bitPattern, (-0.0 as Float).bitPattern)
        XCTAssertEqual(h[5], .infinity)
        XCTAssertEqual(try file.tensor(named: "b")?.floats(), [1, -3.5])
    }

    func testOtherDTypesAreListedButNotConverted() throws {
        let header = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#
        let path = folder.write(SafeTensorsBlob(header: header, data: [UInt8](repeating: 0, count: 16)))
        let t = try XCTUnwrap(SafeTensorsFile(path: path).tensor(named: "ids"))
        XCTAssertEqual(t.dtype, .i64)
        XCTAssertThrowsError(try t.floats()) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem, .notFloating(tensor: "ids", dtype: "I64"))
            XCTAssertEqual("\(error)", "\(path): tensor 'ids' is I64; only F32, F16 and BF16 are read as floats")
        }
    }

    func testPaddedHeaderAndEscapedNames() throws {
        // The Python writer pads the header with spaces to a multiple of 8 bytes.
        let header = #"{"caf\u00e9 \"x\"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + "     "
        let file = try SafeTensorsFile(path: folder.write(SafeTensorsBlob(header: header, data: [0, 0, 0x80, 0x3F])))
        XCTAssertEqual(file.tensorNames, ["café \"x\""])
        XCTAssertEqual(try file.tensor(named: "café \"x\"")?.floats(), [1])
    }

    /// small.safetensors as the `safetensors` package wrote it, against the values torch
    /// itself widened to float32 (small.json).
    func testAFileWrittenByThePythonPackage() throws {
        let path = TestEnvironment.fixture("safetensors/small.safetensors").path
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestEnvironment.fixture("safetensors/small.json"))) as! [String: Any]
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.dataOffset, 8 + (json["header_length"] as! Int))
        XCTAssertEqual(file.metadata, json["metadata"] as! [String: String])
        let tensors = json["tensors"] as! [String: [String: Any]]
        XCTAssertEqual(Set(file.tensorNames), Set(tensors.keys))
        for (name, expected) in tensors {
            let t = try XCTUnwrap(file.tensor(named: name), name)
            XCTAssertEqual(t.dtype.rawValue, expected["dtype"] as! String, name)
            XCTAssertEqual(t.shape, expected["shape"] as! [Int], name)
            let want: [Float] = (expected["values"] as! [Any]).map { v in
                if let s = v as? String { return s == "inf" ? .infinity : -.infinity }
                return Float((v as! NSNumber).doubleValue)
            }
            let got = try t.floats()
            XCTAssertEqual(got.count, want.count, name)
            for (g, w) in zip(got, want) { XCTAssertEqual(g.bitPattern, w.bitPattern, "\(name): \(g) vs \(w)") }
        }
        XCTAssertTrue(tensors.keys.contains { tensors[$0]!["dtype"] as! String == "F16" })
        XCTAssertTrue(tensors.keys.contains { tensors[$0]!["dtype"] as! String == "BF16" })
    }
}
