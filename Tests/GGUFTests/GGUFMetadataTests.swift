import Foundation
import XCTest
@testable import GGUF

/// The typed getters: each accepts what it promises (every integer width for `int`, integers
/// for `float`, float64 arrays for `floatArray`...) and turns anything else into
/// `wrongMetadataType` naming the key, never a crash or a silent default.
final class GGUFMetadataTests: XCTestCase {
    private var files: TempFiles!
    private var metadata: GGUFMetadata!
    private var path: String!

    override func setUpWithError() throws {
        files = TempFiles()
        var b = GGUFBytesBuilder()
        b.add("u8", .u8(200))
        b.add("i8", .i8(-100))
        b.add("u16", .u16(60000))
        b.add("i16", .i16(-30000))
        b.add("u32", .u32(4_000_000_000))
        b.add("i32", .i32(-2_000_000_000))
        b.add("u64", .u64(1 << 40))
        b.add("u64.max", .u64(.max))
        b.add("i64", .i64(-(1 << 50)))
        b.add("f32", .f32(1e-6))
        b.add("f64", .f64(0.1))
        b.add("bool", .bool(true))
        b.add("str", .string("llama"))
        b.add("arr.str", .strings(["a", "b"]))
        b.add("arr.f32", .f32s([0.5, -1]))
        b.add("arr.f64", .f64s([0.25, 1e300]))
        b.add("arr.i32", .i32s([2048, 4096]))
        b.add("arr.u64", .u64s([1, 2]))
        b.add("arr.u64.max", .u64s([1, .max]))
        b.add("arr.u8", .u8s([1, 2, 3]))
        b.add("arr.bool", .bools([true, false]))
        b.add("arr.nested", .array(elementType: 9, elements: [.i32s([1])]))
        path = files.write(b)
        metadata = try GGUFFile(path: path).metadata
    }

    override func tearDown() { files = nil }

    private func expectMismatch<T>(_ key: String, _ expected: String, _ found: String,
                                   _ getter: (String) throws(GGUFError) -> T?, line: UInt = #line) {
        do {
            let v = try getter(key)
            XCTFail("\(key): expected \(expected) to fail, got \(String(describing: v))", line: line)
        } catch {
            XCTAssertEqual(error.problem, .wrongMetadataType(key: key, expected: expected, found: found), line: line)
            assertOneLine(error, path: path, line: line)
            XCTAssertTrue(error.description.contains("\"\(key)\""), line: line)
        }
    }

    func testIntAcceptsEveryIntegerWidth() throws {
        XCTAssertEqual(try metadata.int("u8"), 200)
        XCTAssertEqual(try metadata.int("i8"), -100)
        XCTAssertEqual(try metadata.int("u16"), 60000)
        XCTAssertEqual(try metadata.int("i16"), -30000)
        XCTAssertEqual(try metadata.int("u32"), 4_000_000_000)
        XCTAssertEqual(try metadata.int("i32"), -2_000_000_000)
        XCTAssertEqual(try metadata.int("u64"), 1 << 40)
        XCTAssertEqual(try metadata.int("i64"), -(1 << 50))
        XCTAssertNil(try metadata.int("absent"))
    }

    func testIntRejectsEverythingElse() {
        let int: (String) throws(GGUFError) -> Int? = { k throws(GGUFError) in try self.metadata.int(k) }
        expectMismatch("f32", "an integer", "float32", int)
        expectMismatch("f64", "an integer", "float64", int)
        expectMismatch("bool", "an integer", "bool", int)
        expectMismatch("str", "an integer", "string", int)
        expectMismatch("arr.i32", "an integer", "array of 2 int32", int)
        // A uint64 beyond Int.max does not fit: an error, not a wrap-around.
        expectMismatch("u64.max", "an integer", "uint64", int)
    }

    func testFloat() throws {
        XCTAssertEqual(try metadata.float("f32"), Double(Float(1e-6)))
        XCTAssertEqual(try metadata.float("f64"), 0.1)
        XCTAssertEqual(try metadata.float("u32"), 4_000_000_000)
        XCTAssertEqual(try metadata.float("i8"), -100)
        let float: (String) throws(GGUFError) -> Double? = { k throws(GGUFError) in try self.metadata.float(k) }
        expectMismatch("str", "a number", "string", float)
        expectMismatch("bool", "a number", "bool", float)
        expectMismatch("arr.f32", "a number", "array of 2 float32", float)
        expectMismatch("u64.max", "a number", "uint64", float)
    }

    func testString() throws {
        XCTAssertEqual(try metadata.string("str"), "llama")
        let string: (String) throws(GGUFError) -> String? = { k throws(GGUFError) in try self.metadata.string(k) }
        expectMismatch("u32", "a string", "uint32", string)
        expectMismatch("bool", "a string", "bool", string)
        expectMismatch("arr.str", "a string", "array of 2 string", string)
    }

    func testBool() throws {
        XCTAssertEqual(try metadata.bool("bool"), true)
        let bool: (String) throws(GGUFError) -> Bool? = { k throws(GGUFError) in try self.metadata.bool(k) }
        expectMismatch("u8", "a bool", "uint8", bool)
        expectMismatch("str", "a bool", "string", bool)
        expectMismatch("arr.bool", "a bool", "array of 2 bool", bool)
    }

    func testStringArray() throws {
        XCTAssertEqual(try metadata.stringArray("arr.str"), ["a", "b"])
        let get: (String) throws(GGUFError) -> [String]? = { k throws(GGUFError) in try self.metadata.stringArray(k) }
        expectMismatch("str", "an array of strings", "string", get)
        expectMismatch("arr.i32", "an array of strings", "array of 2 int32", get)
        expectMismatch("arr.nested", "an array of strings", "array of 1 array", get)
    }

    func testFloatArray() throws {
        XCTAssertEqual(try metadata.floatArray("arr.f32"), [0.5, -1])
        XCTAssertEqual(try metadata.floatArray("arr.f64"), [0.25, .infinity])   // 1e300 narrowed to Float
        let get: (String) throws(GGUFError) -> [Float]? = { k throws(GGUFError) in try self.metadata.floatArray(k) }
        expectMismatch("f32", "an array of floats", "float32", get)
        expectMismatch("arr.i32", "an array of floats", "array of 2 int32", get)
        expectMismatch("arr.str", "an array of floats", "array of 2 string", get)
    }

    func testIntArray() throws {
        XCTAssertEqual(try metadata.intArray("arr.i32"), [2048, 4096])
        XCTAssertEqual(try metadata.intArray("arr.u64"), [1, 2])
        XCTAssertEqual(try metadata.intArray("arr.u8"), [1, 2, 3])
        let get: (String) throws(GGUFError) -> [Int]? = { k throws(GGUFError) in try self.metadata.intArray(k) }
        expectMismatch("u32", "an array of integers", "uint32", get)
        expectMismatch("arr.f32", "an array of integers", "array of 2 float32", get)
        expectMismatch("arr.bool", "an array of integers", "array of 2 bool", get)
        expectMismatch("arr.u64.max", "an array of integers", "array of 2 uint64", get)
    }

    func testIntOrPerLayer() throws {
        XCTAssertEqual(try metadata.intOrPerLayer("u16"), [60000])
        XCTAssertEqual(try metadata.intOrPerLayer("arr.i32"), [2048, 4096])
        XCTAssertNil(try metadata.intOrPerLayer("absent"))
        let get: (String) throws(GGUFError) -> [Int]? = { k throws(GGUFError) in try self.metadata.intOrPerLayer(k) }
        expectMismatch("str", "an array of integers", "string", get)
    }

    func testKeysKeepFileOrder() {
        XCTAssertEqual(metadata.keys.first, "u8")
        XCTAssertEqual(metadata.keys.last, "arr.nested")
        XCTAssertEqual(metadata.keys.count, 22)
        XCTAssertEqual(metadata["u16"], .uint16(60000))
    }
}
